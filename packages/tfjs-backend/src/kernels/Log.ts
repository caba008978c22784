import { Log } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const logConfig = unaryKernel(Log, 'Log');
