import { Max, type MaxAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { axesRefusal, reduce } from '../kernel_utils/reduce.js';

export const maxConfig = deviceKernel(
  Max,
  ({ inputs, backend, attrs }) => {
    const { reductionIndices, keepDims } = attrs as unknown as MaxAttrs;
    return reduce(backend, 'Max', inputs.x as TensorInfo, reductionIndices, keepDims);
  },
  {
    refuse: ({ inputs, attrs }) =>
      axesRefusal((attrs as unknown as MaxAttrs).reductionIndices, (inputs.x as TensorInfo).shape),
  },
);
