import { LRN, type LRNAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { lrn, lrnRefusal } from '../kernel_utils/nn.js';

export const lrnConfig = deviceKernel(
  LRN,
  ({ inputs, backend, attrs }) => lrn(backend, inputs.x as TensorInfo, attrs as unknown as LRNAttrs),
  { refuse: ({ inputs, attrs }) => lrnRefusal(attrs as unknown as LRNAttrs, inputs.x as TensorInfo) },
);
