import { GreaterEqual } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const greaterEqualConfig = binaryKernel(GreaterEqual, 'GreaterEqual', { dtype: 'bool' });
