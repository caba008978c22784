import { Reshape, type ReshapeAttrs, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';

// No copy: the result shares the input's data (reference counted).
export const reshapeConfig = deviceKernel(Reshape, ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const { shape } = attrs as unknown as ReshapeAttrs;
  const size = util.sizeFromShape(x.shape);
  const newShape = util.inferFromImplicitShape(shape, size);
  const newSize = util.sizeFromShape(newShape);
  util.assert(
    size === newSize,
    () =>
      `The new shape (${newShape}) has ${newSize} elements and the old shape (${x.shape}) has ${size} elements. The new shape and old shape must have the same number of elements.`,
  );
  return backend.aliasTensorInfo(x, newShape);
});
