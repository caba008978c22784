import { Greater } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const greaterConfig = binaryKernel(Greater, 'Greater', { dtype: 'bool' });
