import { Log1p } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const log1pConfig = unaryKernel(Log1p, 'Log1p');
