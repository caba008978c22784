// The one place that decides which backend runs a convolution.
import { cpuBackend } from './cpu.js';
import { describeValue } from './describe-value.js';
import { gpuBackend } from './gpu/backend.js';
import { gpuUnavailableReason } from './gpu/native.js';
import { addon, REBUILD_COMMAND } from './native.js';
import type { ConvParams, Device } from './types.js';

/**
 * What a backend implements; buffers are checked against `p` by the caller. The async functions take
 * a null output to mean "make the result array" (the CPU backend then writes it in place, see
 * native/src/common/held_array.h) and resolve to the output array.
 */
export interface ConvBackend {
  readonly name: 'cpu' | 'gpu';
  /** Whether it can run now (the GPU backend: a device is present). */
  isAvailable(): boolean;
  forward(p: ConvParams, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array): void;
  forwardAsync(
    p: ConvParams,
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array | null,
    y: Float32Array | null,
  ): Promise<Float32Array>;
  backwardData(p: ConvParams, dy: Float32Array, w: Float32Array, dx: Float32Array): void;
  backwardDataAsync(
    p: ConvParams,
    dy: Float32Array,
    w: Float32Array,
    dx: Float32Array | null,
  ): Promise<Float32Array>;
  backwardFilter(p: ConvParams, x: Float32Array, dy: Float32Array, dw: Float32Array): void;
  backwardFilterAsync(
    p: ConvParams,
    x: Float32Array,
    dy: Float32Array,
    dw: Float32Array | null,
  ): Promise<Float32Array>;
}

const DEVICES: readonly Device[] = ['auto', 'cpu', 'gpu'];

/** The backend for `device` ('auto' when undefined): the GPU when asked for or usable, else the CPU. */
export function selectBackend(device: unknown, fn: string): ConvBackend {
  const d = device ?? 'auto';
  if (!DEVICES.includes(d as Device)) {
    throw new TypeError(`${fn}: device must be 'auto', 'cpu' or 'gpu', got ${describeValue(device)}`);
  }
  if (d === 'cpu') return cpuBackend;
  if (d === 'gpu') {
    if (addon().gpuBackend === 'none') {
      throw new Error(
        `${fn}: device 'gpu' was requested but there is no GPU backend in this build ` +
          `(gpuBackend: ${addon().gpuBackend}): rebuild with ROCM_PATCH_GPU=hip or ROCM_PATCH_GPU=cuda ` +
          `on a machine with hipcc or nvcc (${REBUILD_COMMAND})`,
      );
    }
    if (!gpuBackend.isAvailable()) {
      throw new Error(`${fn}: device 'gpu' was requested but no GPU is usable: ${gpuUnavailableReason()}`);
    }
    return gpuBackend;
  }
  return gpuBackend.isAvailable() ? gpuBackend : cpuBackend;
}
