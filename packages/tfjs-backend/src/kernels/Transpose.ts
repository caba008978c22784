import { type TensorInfo, Transpose, type TransposeAttrs } from '@tensorflow/tfjs-core';
import { rankRefusal } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { transpose } from '../kernel_utils/movement.js';

// One strided copy through the permuted strides (none when only size-1 dimensions move).
export const transposeConfig = deviceKernel(
  Transpose,
  ({ inputs, backend, attrs }) => {
    const { perm } = attrs as unknown as TransposeAttrs;
    return transpose(backend, inputs.x as TensorInfo, perm);
  },
  { refuse: ({ inputs }) => rankRefusal((inputs.x as TensorInfo).shape) },
);
