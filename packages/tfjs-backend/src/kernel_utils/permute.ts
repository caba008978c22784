// A transpose as one strided copy (the device's `copy`): out[i] = x[perm-strided index].
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { RocmBackend } from '../backend.js';
import { stridedCopy } from './elementwise.js';
import { contiguousStrides } from './shape.js';

/** x with its axes permuted (out.shape[d] = x.shape[perm[d]]); x viewed with `shape` if given (a reshape). */
export function permute(
  backend: RocmBackend,
  x: TensorInfo,
  perm: readonly number[],
  shape: readonly number[] = x.shape,
): TensorInfo {
  const strides = contiguousStrides(shape);
  return stridedCopy(
    backend,
    x,
    perm.map((d) => shape[d]!),
    perm.map((d) => strides[d]!),
    0,
  );
}
