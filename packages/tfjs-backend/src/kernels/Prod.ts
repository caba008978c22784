import { Prod, type ProdAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { axesRefusal, reduce } from '../kernel_utils/reduce.js';

export const prodConfig = deviceKernel(
  Prod,
  ({ inputs, backend, attrs }) => {
    const { axis, keepDims } = attrs as unknown as ProdAttrs;
    return reduce(backend, 'Prod', inputs.x as TensorInfo, axis, keepDims);
  },
  {
    refuse: ({ inputs, attrs }) =>
      axesRefusal((attrs as unknown as ProdAttrs).axis, (inputs.x as TensorInfo).shape),
  },
);
