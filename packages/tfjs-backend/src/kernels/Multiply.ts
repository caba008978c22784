import { Multiply } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const multiplyConfig = binaryKernel(Multiply, 'Multiply');
