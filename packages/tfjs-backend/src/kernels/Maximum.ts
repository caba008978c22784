import { Maximum } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const maximumConfig = binaryKernel(Maximum, 'Maximum');
