import { Cast, type CastAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { castTo } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

export const castConfig = deviceKernel(
  Cast,
  ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const { dtype } = attrs as unknown as CastAttrs;
    if (dtype === x.dtype) return backend.aliasTensorInfo(x, [...x.shape]);
    return castTo(backend, x, dtype);
  },
  // string and complex64 results live on the host.
  {
    refuse: ({ attrs }) =>
      ['float32', 'int32', 'bool'].includes((attrs as unknown as CastAttrs).dtype)
        ? undefined
        : `cast to ${(attrs as unknown as CastAttrs).dtype}`,
  },
);
