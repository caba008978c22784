import { IsFinite } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const isFiniteConfig = unaryKernel(IsFinite, 'IsFinite', { dtype: 'bool' });
