import { LessEqual } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const lessEqualConfig = binaryKernel(LessEqual, 'LessEqual', { dtype: 'bool' });
