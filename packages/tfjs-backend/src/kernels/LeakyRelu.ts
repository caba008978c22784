import { LeakyRelu } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const leakyReluConfig = unaryKernel(LeakyRelu, 'LeakyRelu', {
  dtype: 'float32',
  params: (a) => [a.alpha as number, 0],
});
