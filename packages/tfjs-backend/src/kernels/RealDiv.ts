import { RealDiv } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const realDivConfig = binaryKernel(RealDiv, 'RealDiv');
