import { Softplus } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const softplusConfig = unaryKernel(Softplus, 'Softplus');
