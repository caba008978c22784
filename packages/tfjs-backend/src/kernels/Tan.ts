import { Tan } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const tanConfig = unaryKernel(Tan, 'Tan');
