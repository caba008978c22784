import { Identity, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';

// No copy: the result shares the input's data.
export const identityConfig = deviceKernel(Identity, ({ inputs, backend }) => {
  const x = inputs.x as TensorInfo;
  return backend.aliasTensorInfo(x, [...x.shape]);
});
