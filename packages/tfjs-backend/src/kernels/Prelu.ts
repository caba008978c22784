import { Prelu } from '@tensorflow/tfjs-core';
import { binaryKernelOn } from '../kernel_utils/kernel_funcs.js';

export const preluConfig = binaryKernelOn(Prelu, 'Prelu', 'x', 'alpha');
