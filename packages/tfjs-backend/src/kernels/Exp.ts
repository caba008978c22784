import { Exp } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const expConfig = unaryKernel(Exp, 'Exp', { dtype: 'float32' });
