import { backend_util, MaxPoolGrad, type MaxPoolGradAttrs } from '@tensorflow/tfjs-core';
import { POOL_2D, poolGradKernel } from '../kernel_utils/pool.js';

// Inputs as tfjs-core's MaxPool gradient passes them: dy, input, output (cpu finds the argmaxes in input
// and ignores output; so does this kernel).
export const maxPoolGradConfig = poolGradKernel(MaxPoolGrad, 'max', POOL_2D, (x, attrs) => {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  return backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
});
