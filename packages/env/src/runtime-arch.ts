import { archOfGfxVersion } from './arch.js';
import type { GpuInfo } from './types.js';

/**
 * The arch the ROCm runtime will report for a GPU, and so whose code objects it loads: the per-node
 * override HSA_OVERRIDE_GFX_VERSION_<kfd node> if set, else HSA_OVERRIDE_GFX_VERSION, else the GPU's
 * own arch (libhsakmt reads them in that order). Kernels compiled for the GPU must target this arch.
 * Null for NVIDIA GPUs and unknown archs; an invalid override value also gives null (the runtime
 * refuses to start with it).
 */
export function runtimeArch(gpu: GpuInfo, env: NodeJS.ProcessEnv = process.env): string | null {
  if (gpu.vendor !== 'amd') return null;
  const perNode = gpu.kfdNode === null ? undefined : env[`HSA_OVERRIDE_GFX_VERSION_${gpu.kfdNode}`];
  const override = perNode ?? env.HSA_OVERRIDE_GFX_VERSION;
  if (override !== undefined && override.trim() !== '') return archOfGfxVersion(override);
  return gpu.arch;
}
