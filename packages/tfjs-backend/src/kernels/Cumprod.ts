import { Cumprod, type CumprodAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { scan, scanRefusal } from '../kernel_utils/reduce.js';

export const cumprodConfig = deviceKernel(
  Cumprod,
  ({ inputs, backend, attrs }) => {
    const { axis, exclusive, reverse } = attrs as unknown as CumprodAttrs;
    return scan(backend, 'Cumprod', inputs.x as TensorInfo, axis, exclusive, reverse);
  },
  // tfjs-core passes the axis as given; the cpu kernel takes one in [0, rank) (a negative one, or a
  // scalar, is left to it and its error).
  {
    refuse: ({ inputs, attrs }) =>
      scanRefusal((attrs as unknown as CumprodAttrs).axis, (inputs.x as TensorInfo).shape),
  },
);
