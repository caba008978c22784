import { EluGrad } from '@tensorflow/tfjs-core';
import { binaryKernelOn } from '../kernel_utils/kernel_funcs.js';

export const eluGradConfig = binaryKernelOn(EluGrad, 'EluGrad', 'dy', 'y', { dtype: 'float32' });
