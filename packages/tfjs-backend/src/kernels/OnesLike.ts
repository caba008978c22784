import { OnesLike, type TensorInfo } from '@tensorflow/tfjs-core';
import { fill } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

export const onesLikeConfig = deviceKernel(OnesLike, ({ inputs, backend }) => {
  const x = inputs.x as TensorInfo;
  return fill(backend, [...x.shape], x.dtype, 1);
});
