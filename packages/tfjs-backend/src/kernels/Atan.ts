import { Atan } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const atanConfig = unaryKernel(Atan, 'Atan');
