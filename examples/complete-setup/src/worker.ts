/**
 * The task module the pool's workers load: what a data worker sees of the GPU.
 * Exported functions are the pool's tasks.
 */
import { isPoolWorker, workerInfo } from '@rocm-patch/all';

export function gpuVisibility(): Record<string, unknown> {
  return {
    isPoolWorker: isPoolWorker(),
    worker: workerInfo(),
    ROCR_VISIBLE_DEVICES: process.env.ROCR_VISIBLE_DEVICES ?? null,
    HIP_VISIBLE_DEVICES: process.env.HIP_VISIBLE_DEVICES ?? null,
    CUDA_VISIBLE_DEVICES: process.env.CUDA_VISIBLE_DEVICES ?? null,
    HSA_OVERRIDE_GFX_VERSION: process.env.HSA_OVERRIDE_GFX_VERSION ?? null,
  };
}
