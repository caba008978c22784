import { type TensorInfo, TopK, type TopKAttrs } from '@tensorflow/tfjs-core';
import { INT32_LIMIT, topK } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

export const topKConfig = deviceKernel(
  TopK,
  ({ inputs, backend, attrs }) => {
    const { k, sorted } = attrs as unknown as TopKAttrs;
    return topK(backend, inputs.x as TensorInfo, k, sorted);
  },
  {
    refuse: ({ inputs }) => {
      const x = inputs.x as TensorInfo;
      if (x.shape.length === 0) return 'scalar x';
      return x.shape[x.shape.length - 1]! > INT32_LIMIT ? 'rows longer than 2^31 - 1' : undefined;
    },
  },
);
