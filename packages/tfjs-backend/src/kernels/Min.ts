import { Min, type MinAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { axesRefusal, reduce } from '../kernel_utils/reduce.js';

export const minConfig = deviceKernel(
  Min,
  ({ inputs, backend, attrs }) => {
    const { axis, keepDims } = attrs as unknown as MinAttrs;
    return reduce(backend, 'Min', inputs.x as TensorInfo, axis, keepDims);
  },
  {
    refuse: ({ inputs, attrs }) =>
      axesRefusal((attrs as unknown as MinAttrs).axis, (inputs.x as TensorInfo).shape),
  },
);
