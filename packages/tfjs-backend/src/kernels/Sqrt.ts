import { Sqrt } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const sqrtConfig = unaryKernel(Sqrt, 'Sqrt');
