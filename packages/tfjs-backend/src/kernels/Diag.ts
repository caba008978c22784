import { Diag, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { fill, stridedCopy } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

// Zeros, then x's n elements onto the diagonal of the [n, n] view (stride n + 1): two launches.
export const diagConfig = deviceKernel(Diag, ({ inputs, backend }) => {
  const x = inputs.x as TensorInfo;
  const n = util.sizeFromShape(x.shape);
  const out = fill(backend, [...x.shape, ...x.shape], x.dtype, 0);
  return stridedCopy(backend, x, [n], [1], 0, { info: out, strides: [n + 1], base: 0 });
});
