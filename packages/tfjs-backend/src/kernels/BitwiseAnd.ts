import { BitwiseAnd } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const bitwiseAndConfig = binaryKernel(BitwiseAnd, 'BitwiseAnd');
