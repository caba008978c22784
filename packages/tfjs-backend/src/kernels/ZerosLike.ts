import { type TensorInfo, ZerosLike } from '@tensorflow/tfjs-core';
import { fill } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

export const zerosLikeConfig = deviceKernel(ZerosLike, ({ inputs, backend }) => {
  const x = inputs.x as TensorInfo;
  return fill(backend, [...x.shape], x.dtype, 0);
});
