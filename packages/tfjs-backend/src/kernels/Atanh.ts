import { Atanh } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const atanhConfig = unaryKernel(Atanh, 'Atanh');
