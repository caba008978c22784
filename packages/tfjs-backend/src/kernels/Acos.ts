import { Acos } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const acosConfig = unaryKernel(Acos, 'Acos');
