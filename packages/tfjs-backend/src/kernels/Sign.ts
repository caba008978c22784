import { Sign } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const signConfig = unaryKernel(Sign, 'Sign');
