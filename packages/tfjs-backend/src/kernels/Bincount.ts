import { Bincount, type BincountAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { bincount } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

export const bincountConfig = deviceKernel(
  Bincount,
  ({ inputs, backend, attrs }) => {
    const { size } = attrs as unknown as BincountAttrs;
    return bincount(backend, inputs.x as TensorInfo, inputs.weights as TensorInfo, size, false);
  },
  {
    refuse: ({ inputs }) =>
      (inputs.weights as TensorInfo).dtype === 'bool' ? 'bool weights (cpu sums them into bytes)' : undefined,
  },
);
