import { All, type AllAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { axesRefusal, reduce } from '../kernel_utils/reduce.js';

export const allConfig = deviceKernel(
  All,
  ({ inputs, backend, attrs }) => {
    const { axis, keepDims } = attrs as unknown as AllAttrs;
    return reduce(backend, 'All', inputs.x as TensorInfo, axis, keepDims);
  },
  {
    refuse: ({ inputs, attrs }) =>
      axesRefusal((attrs as unknown as AllAttrs).axis, (inputs.x as TensorInfo).shape),
  },
);
