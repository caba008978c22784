import { SquaredDifference } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const squaredDifferenceConfig = binaryKernel(SquaredDifference, 'SquaredDifference');
