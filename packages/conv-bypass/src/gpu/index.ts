// The `gpu` namespace: device discovery, DeviceTensors and memory controls of the GPU backend.

import { addon } from '../native.js';
import { isAvailable } from './backend.js';
import { empty, requireGpu, upload } from './device-tensor.js';
import { gpuAddon, gpuUnavailableReason } from './native.js';

export { gpuBackend } from './backend.js';
export { DeviceTensor, isDeviceTensor } from './device-tensor.js';
export type { AnyTensor } from './ops.js';

export interface GpuDeviceInfo {
  name: string;
  /** e.g. 'gfx1010' or 'sm_90'. */
  arch: string;
  backend: 'hip' | 'cuda';
  /** Device memory in bytes. */
  memory: number;
  /** Free device memory in bytes when asked. */
  freeMemory: number;
  multiprocessors: number;
  /** Threads per wave (warp): 32 on NVIDIA and RDNA wave32, 64 on GCN/CDNA. */
  waveSize: number;
}

export interface GpuMemoryInfo {
  free: number;
  total: number;
  /** Bytes held by the backend's workspace cache (see releaseWorkspace). */
  workspace: number;
}

export const gpu = {
  /** Whether convolutions can run on a GPU here (the build has a backend, and a driver and device exist). */
  isAvailable,
  /** Why no GPU can be used, or undefined when one can. */
  unavailableReason(): string | undefined {
    return isAvailable() ? undefined : gpuUnavailableReason();
  },
  /** The GPU backend this addon was built with. */
  backend(): 'hip' | 'cuda' | 'none' {
    return gpuAddon() === undefined ? 'none' : (addon().gpuBackend as 'hip' | 'cuda');
  },
  info(): GpuDeviceInfo {
    const d = requireGpu('gpu.info').gpuDeviceInfo();
    return {
      name: d.name,
      arch: d.arch,
      backend: d.backend as 'hip' | 'cuda',
      memory: d.totalMemory,
      freeMemory: d.freeMemory,
      multiprocessors: d.multiprocessors,
      waveSize: d.waveSize,
    };
  },
  /** Copies a host tensor to the GPU; dispose() the result when done. */
  upload,
  /** A new device tensor of `shape` with unspecified contents (for `out`). */
  empty,
  memoryInfo(): GpuMemoryInfo {
    return requireGpu('gpu.memoryInfo').gpuMemoryInfo();
  },
  /** Frees the workspace cache (split-K planes, unfold buffer) the kernels keep between calls. */
  releaseWorkspace(): void {
    requireGpu('gpu.releaseWorkspace').gpuReleaseWorkspace();
  },
};
