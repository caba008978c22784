// Typed access to the GPU functions of the addon (native/src/gpu/bindings.cc).
import { addon } from '../native.js';
import type { ConvParams } from '../types.js';

declare const handleBrand: unique symbol;
/** An opaque device buffer: a type-tagged native external owned by one DeviceTensor. */
export type GpuHandle = { readonly [handleBrand]: true };
/** A tensor argument of a GPU call: host memory (copied in/out) or a device buffer. */
export type GpuOperand = Float32Array | GpuHandle;

export interface GpuDeviceInfoRaw {
  name: string;
  arch: string;
  backend: string;
  totalMemory: number;
  freeMemory: number;
  multiprocessors: number;
  waveSize: number;
  runtimeVersion: number;
}

export interface GpuAddon {
  gpuIsAvailable(): { available: boolean; reason: string };
  gpuDeviceInfo(): GpuDeviceInfoRaw;
  gpuAlloc(count: number): GpuHandle;
  gpuUpload(data: Float32Array): GpuHandle;
  gpuDownload(handle: GpuHandle, out: Float32Array): Float32Array;
  gpuCopy(dst: GpuHandle, src: GpuHandle): void;
  gpuFree(handle: GpuHandle): void;
  gpuMemoryInfo(): { free: number; total: number; workspace: number };
  gpuReleaseWorkspace(): void;
  /** Median ms of `iters` runs; op 0 forward (x, w, y), 1 backward-data (dy, w, dx), 2 backward-filter (dy, x, dw). */
  gpuTimeConv(
    op: 0 | 1 | 2,
    algo: 0 | 1,
    p: ConvParams,
    a: GpuHandle,
    b: GpuHandle,
    out: GpuHandle,
    iters: number,
  ): number;
  /** Each returns the device workspace bytes the call needed. algo: 0 implicit GEMM, 1 unfold+GEMM. */
  gpuConv2dForward(
    p: ConvParams,
    x: GpuOperand,
    w: GpuOperand,
    bias: GpuOperand | null,
    y: GpuOperand,
    relu: boolean,
    algo: 0 | 1,
  ): number;
  gpuConv2dForwardAsync(
    p: ConvParams,
    x: GpuOperand,
    w: GpuOperand,
    bias: GpuOperand | null,
    y: GpuOperand,
    relu: boolean,
    algo: 0 | 1,
  ): Promise<number>;
  gpuConv2dBackwardData(p: ConvParams, dy: GpuOperand, w: GpuOperand, dx: GpuOperand): number;
  gpuConv2dBackwardDataAsync(p: ConvParams, dy: GpuOperand, w: GpuOperand, dx: GpuOperand): Promise<number>;
  gpuConv2dBackwardFilter(p: ConvParams, x: GpuOperand, dy: GpuOperand, dw: GpuOperand): number;
  gpuConv2dBackwardFilterAsync(p: ConvParams, x: GpuOperand, dy: GpuOperand, dw: GpuOperand): Promise<number>;
}

/** The addon's GPU functions, or undefined when it was built without a GPU backend. */
export function gpuAddon(): GpuAddon | undefined {
  const a = addon();
  if (a.gpuBackend === 'none' || typeof a.gpuIsAvailable !== 'function') return undefined;
  return a as unknown as GpuAddon;
}

/** Why no GPU can be used, or undefined when one can. */
export function gpuUnavailableReason(): string | undefined {
  const g = gpuAddon();
  if (g === undefined) return `no GPU backend in this build (gpuBackend: ${addon().gpuBackend})`;
  const s = g.gpuIsAvailable();
  return s.available ? undefined : s.reason;
}
