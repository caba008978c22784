import { Square } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const squareConfig = unaryKernel(Square, 'Square');
