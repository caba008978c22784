import { Tanh } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const tanhConfig = unaryKernel(Tanh, 'Tanh');
