import { Ceil } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const ceilConfig = unaryKernel(Ceil, 'Ceil');
