import { Pow } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const powConfig = binaryKernel(Pow, 'Pow');
