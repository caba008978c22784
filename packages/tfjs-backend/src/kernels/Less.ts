import { Less } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const lessConfig = binaryKernel(Less, 'Less', { dtype: 'bool' });
