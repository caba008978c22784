import { FloorDiv } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel_utils/kernel_funcs.js';

export const floorDivConfig = binaryKernel(FloorDiv, 'FloorDiv', { dtype: 'int32' });
