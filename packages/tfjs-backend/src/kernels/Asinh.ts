import { Asinh } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const asinhConfig = unaryKernel(Asinh, 'Asinh');
