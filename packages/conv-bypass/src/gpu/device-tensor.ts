// DeviceTensor: a float32 NCHW/KCRS tensor that lives in GPU memory, so a network's activations and
// gradients can stay on the device between calls. Its memory is freed by dispose() (or a `using`
// declaration); the native finalizer is only a backstop for tensors that were never disposed.
import { checkShape, shapeSize } from '../geometry.js';
import type { Tensor4 } from '../types.js';
import { type GpuAddon, type GpuHandle, gpuAddon, gpuUnavailableReason } from './native.js';

type Shape4 = [number, number, number, number];

/** The GPU addon, or a clear error naming `fn` when there is none or no device is usable. */
export function requireGpu(fn: string): GpuAddon {
  const reason = gpuUnavailableReason();
  const g = gpuAddon();
  if (reason !== undefined || g === undefined) {
    throw new Error(`${fn}: no usable GPU: ${reason ?? 'unknown reason'}`);
  }
  return g;
}

export class DeviceTensor {
  /** N, C, H, W (or K, C/groups, R, S for filters). */
  readonly shape: Shape4;
  #handle: GpuHandle | undefined;

  /** @internal Use gpu.upload() or gpu.empty(). */
  constructor(handle: GpuHandle, shape: Shape4) {
    this.#handle = handle;
    this.shape = [...shape];
  }

  /** Element count. */
  get size(): number {
    return shapeSize(this.shape);
  }

  get disposed(): boolean {
    return this.#handle === undefined;
  }

  /** @internal The native buffer; throws if disposed. */
  handle(fn: string): GpuHandle {
    if (this.#handle === undefined) throw new Error(`${fn}: the DeviceTensor was disposed`);
    return this.#handle;
  }

  /** Copies the tensor to host memory. */
  download(): Tensor4 {
    const data = new Float32Array(this.size);
    requireGpu('DeviceTensor.download').gpuDownload(this.handle('DeviceTensor.download'), data);
    return { data, shape: [...this.shape] };
  }

  /** Frees the device memory now. Idempotent; throws while an async GPU call still uses the tensor. */
  dispose(): void {
    const h = this.#handle;
    if (h === undefined) return;
    const g = gpuAddon();
    g?.gpuFree(h);
    this.#handle = undefined;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

export function isDeviceTensor(v: unknown): v is DeviceTensor {
  return v instanceof DeviceTensor;
}

/** Copies a host tensor to the GPU. */
export function upload(t: Tensor4): DeviceTensor {
  const fn = 'gpu.upload';
  if (typeof t !== 'object' || t === null) throw new TypeError(`${fn}: expected a { data, shape } tensor`);
  const { data, shape } = t as { data?: unknown; shape?: unknown };
  if (!(data instanceof Float32Array)) throw new TypeError(`${fn}: data must be a Float32Array`);
  const s = checkShape(shape, 'shape', fn);
  if (data.length !== shapeSize(s)) {
    throw new RangeError(
      `${fn}: data has ${data.length} elements but shape [${s.join(', ')}] needs ${shapeSize(s)}`,
    );
  }
  return new DeviceTensor(requireGpu(fn).gpuUpload(data), s);
}

/** A new device tensor of `shape` (contents unspecified until written). */
export function empty(shape: readonly number[]): DeviceTensor {
  const s = checkShape([...shape], 'shape', 'gpu.empty');
  return new DeviceTensor(requireGpu('gpu.empty').gpuAlloc(shapeSize(s)), s);
}
