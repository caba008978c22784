import { Expm1 } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const expm1Config = unaryKernel(Expm1, 'Expm1');
