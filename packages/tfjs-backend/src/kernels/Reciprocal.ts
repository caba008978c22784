import { Reciprocal } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const reciprocalConfig = unaryKernel(Reciprocal, 'Reciprocal');
