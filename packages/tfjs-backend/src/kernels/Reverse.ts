import { Reverse, type ReverseAttrs, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { rankRefusal } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { stridedView } from '../kernel_utils/movement.js';

// One strided copy that starts at the last element of each reversed dimension and steps back.
export const reverseConfig = deviceKernel(
  Reverse,
  ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const { dims } = attrs as unknown as ReverseAttrs;
    const axes = util.parseAxisParam(dims, x.shape);
    if (x.shape.length === 0) return backend.aliasTensorInfo(x, []);
    const begin = x.shape.map((s, d) => (axes.includes(d) ? s - 1 : 0));
    const step = x.shape.map((_, d) => (axes.includes(d) ? -1 : 1));
    return stridedView(backend, x, begin, step, x.shape);
  },
  { refuse: ({ inputs }) => rankRefusal((inputs.x as TensorInfo).shape) },
);
