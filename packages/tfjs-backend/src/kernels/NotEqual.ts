import { NotEqual } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const notEqualConfig = binaryKernel(NotEqual, 'NotEqual', { dtype: 'bool' });
