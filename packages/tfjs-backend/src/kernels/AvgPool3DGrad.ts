import { AvgPool3DGrad, type AvgPool3DGradAttrs, backend_util } from '@tensorflow/tfjs-core';
import { POOL_3D, poolGradKernel } from '../kernel_utils/pool.js';

// Inputs dy, input.
export const avgPool3DGradConfig = poolGradKernel(AvgPool3DGrad, 'avg', POOL_3D, (x, attrs) => {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as AvgPool3DGradAttrs;
  return backend_util.computePool3DInfo(
    x.shape as [number, number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
});
