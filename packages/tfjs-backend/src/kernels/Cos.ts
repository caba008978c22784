import { Cos } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const cosConfig = unaryKernel(Cos, 'Cos');
