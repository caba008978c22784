/**
 * Values that hide every GPU from a process (see README, "Hiding GPUs"):
 * - ROCR_VISIBLE_DEVICES="" — the ROCm runtime (ROCr, the lowest user-mode layer under HIP and OpenCL)
 *   exposes no device when the variable is set and empty.
 * - HIP_VISIBLE_DEVICES="-1" — HIP treats an empty value like an unset one (ROCm/hip#3001, ROCm 5.x), so
 *   an invalid index is used instead: enumeration stops at the first invalid index.
 * - CUDA_VISIBLE_DEVICES="-1" — CUDA hides everything for both "" and "-1", but HIP on AMD also reads
 *   CUDA_VISIBLE_DEVICES as an alias of HIP_VISIBLE_DEVICES, where "" is ignored; "-1" hides for both.
 */
export const hiddenGpuEnv: Readonly<
  Record<'ROCR_VISIBLE_DEVICES' | 'HIP_VISIBLE_DEVICES' | 'CUDA_VISIBLE_DEVICES', string>
> = Object.freeze({
  ROCR_VISIBLE_DEVICES: '',
  HIP_VISIBLE_DEVICES: '-1',
  CUDA_VISIBLE_DEVICES: '-1',
});
