// Launches of the nn family that are not pooling or resizing: FusedBatchNorm, Softmax, LRN and LRNGrad
// (native/src/tensor/ops/norm.h and gpu/norm.hip), and what their kernels share.
import { type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { RocmBackend } from '../backend.js';

/** Why a float32-only device kernel does not take these tensors. */
export function float32Refusal(...tensors: (TensorInfo | undefined)[]): string | undefined {
  for (const t of tensors) if (t !== undefined && t.dtype !== 'float32') return `${t.dtype} input`;
  return undefined;
}

export interface BatchNormInputs {
  x: TensorInfo;
  mean: TensorInfo;
  variance: TensorInfo;
  offset?: TensorInfo;
  scale?: TensorInfo;
}

/**
 * offset + (x − mean)·scale / sqrt(variance + epsilon) in one launch. Like cpu, element i takes each
 * parameter at [i % its size]: 1-D parameters of the channel count run along the last axis, parameters of
 * x's shape element by element, size-1 ones are scalars.
 */
export function batchNorm(backend: RocmBackend, p: BatchNormInputs, epsilon: number): TensorInfo {
  const y = backend.makeTensorInfo([...p.x.shape], p.x.dtype);
  const n = util.sizeFromShape(p.x.shape);
  if (n === 0) return y;
  const size = (t: TensorInfo | undefined) => (t ? util.sizeFromShape(t.shape) : 1);
  backend.device.batchNorm(
    backend.activeName,
    backend.bufferOf(p.x),
    backend.bufferOf(p.mean),
    backend.bufferOf(p.variance),
    p.offset ? backend.bufferOf(p.offset) : -1,
    p.scale ? backend.bufferOf(p.scale) : -1,
    backend.bufferOf(y),
    n,
    size(p.mean),
    size(p.variance),
    size(p.offset),
    size(p.scale),
    epsilon,
  );
  return y;
}

/** Softmax over the last axis, one launch. */
export function softmax(backend: RocmBackend, logits: TensorInfo): TensorInfo {
  const y = backend.makeTensorInfo([...logits.shape], 'float32');
  const cols = logits.shape[logits.shape.length - 1]!;
  const n = util.sizeFromShape(logits.shape);
  if (n === 0) return y;
  backend.device.softmax(backend.activeName, backend.bufferOf(logits), backend.bufferOf(y), n / cols, cols);
  return y;
}

/** The device LRN takes float32 tensors with channels last and an integer depthRadius. */
export function lrnRefusal(a: LrnAttrs, ...tensors: TensorInfo[]): string | undefined {
  if (!Number.isInteger(a.depthRadius)) return `depthRadius ${a.depthRadius}`;
  if (tensors.some((t) => t.shape.length === 0)) return 'scalar input';
  return float32Refusal(...tensors);
}

export interface LrnAttrs {
  depthRadius: number;
  bias: number;
  alpha: number;
  beta: number;
}

/** LRN across the last axis of x. */
export function lrn(backend: RocmBackend, x: TensorInfo, a: LrnAttrs): TensorInfo {
  const y = backend.makeTensorInfo([...x.shape], x.dtype);
  const n = util.sizeFromShape(x.shape);
  if (n === 0) return y;
  const channels = x.shape[x.shape.length - 1]!;
  backend.device.lrn(
    backend.activeName,
    backend.bufferOf(x),
    backend.bufferOf(y),
    n,
    channels,
    a.depthRadius,
    a.bias,
    a.alpha,
    a.beta,
  );
  return y;
}

/** dx of LRN (cpu's output: dy's shape, x's dtype). */
export function lrnGrad(
  backend: RocmBackend,
  x: TensorInfo,
  y: TensorInfo,
  dy: TensorInfo,
  a: LrnAttrs,
): TensorInfo {
  const dx = backend.makeTensorInfo([...dy.shape], x.dtype);
  const n = util.sizeFromShape(dy.shape);
  if (n === 0) return dx;
  const channels = dy.shape[dy.shape.length - 1]!;
  backend.device.lrnGrad(
    backend.activeName,
    backend.bufferOf(x),
    backend.bufferOf(y),
    backend.bufferOf(dy),
    backend.bufferOf(dx),
    n,
    channels,
    a.depthRadius,
    a.bias,
    a.alpha,
    a.beta,
  );
  return dx;
}
