import { IsInf } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const isInfConfig = unaryKernel(IsInf, 'IsInf', { dtype: 'bool' });
