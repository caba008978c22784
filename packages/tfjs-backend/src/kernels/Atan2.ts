import { Atan2 } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const atan2Config = binaryKernel(Atan2, 'Atan2');
