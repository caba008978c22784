import { Floor } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel_utils/kernel_funcs.js';

export const floorConfig = unaryKernel(Floor, 'Floor');
