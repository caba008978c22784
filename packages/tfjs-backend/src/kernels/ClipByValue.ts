import { ClipByValue } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const clipByValueConfig = unaryKernel(ClipByValue, 'ClipByValue', {
  params: (a) => [a.clipValueMin as number, a.clipValueMax as number],
});
