import { Step } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const stepConfig = unaryKernel(Step, 'Step', { params: (a) => [a.alpha as number, 0] });
