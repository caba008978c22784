import { backend_util, SplitV, type SplitVAttrs, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { split } from '../kernel_utils/movement.js';

// Every piece is one column block of the input's [outer, axis·inner] view: one native launch writes up to
// 64 pieces. Sizes as tfjs-backend-cpu computes them (prepareSplitSize, with its checks).
export const splitVConfig = deviceKernel(SplitV, ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const { numOrSizeSplits, axis } = attrs as unknown as SplitVAttrs;
  const $axis = util.parseAxisParam(axis, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, $axis);
  const shapes = sizes.map((s) => {
    const shape = [...x.shape];
    shape[$axis] = s;
    return shape;
  });
  return split(backend, x, $axis, sizes, shapes);
});
