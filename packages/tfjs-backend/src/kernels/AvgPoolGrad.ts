import { AvgPoolGrad, type AvgPoolGradAttrs, backend_util } from '@tensorflow/tfjs-core';
import { POOL_2D, poolGradKernel } from '../kernel_utils/pool.js';

// Inputs dy, input; cpu computes the geometry without a dimRoundingMode here (AvgPoolGrad has none).
export const avgPoolGradConfig = poolGradKernel(AvgPoolGrad, 'avg', POOL_2D, (x, attrs) => {
  const { filterSize, strides, pad } = attrs as unknown as AvgPoolGradAttrs;
  return backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
  );
});
