import { Equal } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const equalConfig = binaryKernel(Equal, 'Equal', { dtype: 'bool' });
