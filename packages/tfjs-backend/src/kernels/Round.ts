import { Round } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const roundConfig = unaryKernel(Round, 'Round');
