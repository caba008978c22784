import { ArgMin, type ArgMinAttrs, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { axesRefusal, reduce } from '../kernel_utils/reduce.js';

// The index of the first extreme along one axis (negative counts from the end), as int32.
export const argMinConfig = deviceKernel(
  ArgMin,
  ({ inputs, backend, attrs }) => {
    const { axis } = attrs as unknown as ArgMinAttrs;
    return reduce(backend, 'ArgMin', inputs.x as TensorInfo, axis, false);
  },
  {
    refuse: ({ inputs, attrs }) => {
      const { axis } = attrs as unknown as ArgMinAttrs;
      const shape = (inputs.x as TensorInfo).shape;
      const why = axesRefusal(axis, shape);
      if (why !== undefined) return why;
      // Several axes: the cpu reduces the first of them after moving them all innermost; left to it.
      return util.parseAxisParam(axis, [...shape]).length === 1 ? undefined : `axis ${axis} is not one axis`;
    },
  },
);
