import { Sin } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const sinConfig = unaryKernel(Sin, 'Sin');
