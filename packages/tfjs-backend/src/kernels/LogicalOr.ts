import { LogicalOr } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const logicalOrConfig = binaryKernel(LogicalOr, 'LogicalOr', { dtype: 'bool' });
