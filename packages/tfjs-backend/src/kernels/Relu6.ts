import { Relu6 } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const relu6Config = unaryKernel(Relu6, 'Relu6');
