import { Rsqrt } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const rsqrtConfig = unaryKernel(Rsqrt, 'Rsqrt');
