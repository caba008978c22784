import { Acosh } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const acoshConfig = unaryKernel(Acosh, 'Acosh');
