import { Mean, type MeanAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { axesRefusal, reduce } from '../kernel_utils/reduce.js';

export const meanConfig = deviceKernel(
  Mean,
  ({ inputs, backend, attrs }) => {
    const { axis, keepDims } = attrs as unknown as MeanAttrs;
    return reduce(backend, 'Mean', inputs.x as TensorInfo, axis, keepDims);
  },
  {
    refuse: ({ inputs, attrs }) =>
      axesRefusal((attrs as unknown as MeanAttrs).axis, (inputs.x as TensorInfo).shape),
  },
);
