import { Neg } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const negConfig = unaryKernel(Neg, 'Neg');
