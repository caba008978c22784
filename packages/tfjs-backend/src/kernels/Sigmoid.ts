import { Sigmoid } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const sigmoidConfig = unaryKernel(Sigmoid, 'Sigmoid');
