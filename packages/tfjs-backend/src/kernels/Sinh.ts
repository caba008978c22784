import { Sinh } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const sinhConfig = unaryKernel(Sinh, 'Sinh');
