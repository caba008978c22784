import { ExpandDims, type ExpandDimsAttrs, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';

// A reshape: no copy.
export const expandDimsConfig = deviceKernel(ExpandDims, ({ inputs, backend, attrs }) => {
  const x = inputs.input as TensorInfo;
  const { dim } = attrs as unknown as ExpandDimsAttrs;
  const rank = x.shape.length;
  let axis = dim;
  if (dim < 0) {
    util.assert(-(rank + 1) <= dim, () => `Axis must be in the interval [${-(rank + 1)}, ${rank}]`);
    axis = rank + dim + 1;
  }
  const shape = [...x.shape];
  shape.splice(axis, 0, 1);
  return backend.aliasTensorInfo(x, shape);
});
