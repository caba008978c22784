import { Asin } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const asinConfig = unaryKernel(Asin, 'Asin');
