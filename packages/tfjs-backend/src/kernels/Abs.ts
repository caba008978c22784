import { Abs } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const absConfig = unaryKernel(Abs, 'Abs');
