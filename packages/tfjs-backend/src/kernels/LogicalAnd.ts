import { LogicalAnd } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const logicalAndConfig = binaryKernel(LogicalAnd, 'LogicalAnd', { dtype: 'bool' });
