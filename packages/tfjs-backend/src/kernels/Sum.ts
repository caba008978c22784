import { Sum, type SumAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { axesRefusal, reduce } from '../kernel_utils/reduce.js';

export const sumConfig = deviceKernel(
  Sum,
  ({ inputs, backend, attrs }) => {
    const { axis, keepDims } = attrs as unknown as SumAttrs;
    return reduce(backend, 'Sum', inputs.x as TensorInfo, axis, keepDims);
  },
  {
    refuse: ({ inputs, attrs }) =>
      axesRefusal((attrs as unknown as SumAttrs).axis, (inputs.x as TensorInfo).shape),
  },
);
