import { Relu } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const reluConfig = unaryKernel(Relu, 'Relu');
