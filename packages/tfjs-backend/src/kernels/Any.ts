import { Any, type AnyAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { axesRefusal, reduce } from '../kernel_utils/reduce.js';

export const anyConfig = deviceKernel(
  Any,
  ({ inputs, backend, attrs }) => {
    const { axis, keepDims } = attrs as unknown as AnyAttrs;
    return reduce(backend, 'Any', inputs.x as TensorInfo, axis, keepDims);
  },
  {
    refuse: ({ inputs, attrs }) =>
      axesRefusal((attrs as unknown as AnyAttrs).axis, (inputs.x as TensorInfo).shape),
  },
);
