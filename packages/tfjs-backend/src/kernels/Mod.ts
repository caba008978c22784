import { Mod } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const modConfig = binaryKernel(Mod, 'Mod');
