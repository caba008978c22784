import { Add } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const addConfig = binaryKernel(Add, 'Add');
