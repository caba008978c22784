import { LogicalNot } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const logicalNotConfig = unaryKernel(LogicalNot, 'LogicalNot', { dtype: 'bool' });
