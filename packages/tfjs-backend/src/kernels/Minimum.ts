import { Minimum } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const minimumConfig = binaryKernel(Minimum, 'Minimum');
