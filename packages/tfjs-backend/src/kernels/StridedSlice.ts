import { StridedSlice, type StridedSliceAttrs, slice_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { rankRefusal } from '../kernel_utils/elementwise.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';
import { stridedView } from '../kernel_utils/movement.js';

function info(x: TensorInfo, a: StridedSliceAttrs) {
  return slice_util.sliceInfo(
    x.shape,
    a.begin,
    a.end,
    a.strides,
    a.beginMask,
    a.endMask,
    a.ellipsisMask,
    a.newAxisMask,
    a.shrinkAxisMask,
  );
}

/**
 * The size of each dense dimension (x's rank) from the canonical begin, end and strides sliceInfo gives:
 * its "processing shape" (a shrunk dimension has end = begin + 1, so size 1). A degenerate interval, or
 * one running against its stride, has size 0.
 */
function processingShape(begin: number[], end: number[], strides: number[]): number[] {
  return begin.map((b, d) => {
    const len = end[d]! - b;
    const s = strides[d]!;
    if (len === 0 || len < 0 !== s < 0) return 0;
    return Math.trunc(len / s) + (len % s !== 0 ? 1 : 0);
  });
}

// slice_util.sliceInfo resolves the masks (begin/end/ellipsis/new-axis/shrink) and negative indices into
// a dense begin, end and stride per input dimension, exactly as tfjs-backend-cpu uses it. Element idx of
// the dense result is x[begin + idx·stride] (strides may be negative): one strided copy, then the result
// takes the final shape (new axes add, shrunk axes drop dimensions of size 1).
//
// Where tfjs-backend-cpu (4.22) departs from that definition this kernel does not follow it: with a shrunk
// axis and a stride ≠ 1 elsewhere, the cpu kernel indexes x with too few coordinates (x[1, ::2] of a
// [3, 4] tensor gives elements of row 0), and an empty stride-1 interval (begin > end) makes its slice
// throw; here the first gives TF's result and the second an empty tensor.
export const stridedSliceConfig = deviceKernel(
  StridedSlice,
  ({ inputs, backend, attrs }: RocmKernelArgs) => {
    const x = inputs.x as TensorInfo;
    const r = info(x, attrs as unknown as StridedSliceAttrs);
    if (r.isIdentity) return backend.aliasTensorInfo(x, r.finalShape);
    const shape = processingShape(r.begin, r.end, r.strides);
    return stridedView(backend, x, r.begin, r.strides, shape, r.finalShape);
  },
  {
    refuse: ({ inputs, attrs }) => {
      const a = attrs as unknown as StridedSliceAttrs;
      if (a.begin == null || a.end == null) return 'begin or end not given';
      return rankRefusal((inputs.x as TensorInfo).shape);
    },
  },
);
