import { Sub } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const subConfig = binaryKernel(Sub, 'Sub');
