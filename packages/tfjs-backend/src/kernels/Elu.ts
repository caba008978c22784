import { Elu } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const eluConfig = unaryKernel(Elu, 'Elu');
