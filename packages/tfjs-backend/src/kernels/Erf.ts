import { Erf } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const erfConfig = unaryKernel(Erf, 'Erf');
