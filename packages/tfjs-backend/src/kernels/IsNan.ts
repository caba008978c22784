import { IsNan } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const isNanConfig = unaryKernel(IsNan, 'IsNan', { dtype: 'bool' });
