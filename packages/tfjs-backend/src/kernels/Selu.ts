import { Selu } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const seluConfig = unaryKernel(Selu, 'Selu');
