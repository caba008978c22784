import { Cosh } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const coshConfig = unaryKernel(Cosh, 'Cosh');
