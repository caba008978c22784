import { backend_util, MaxPool3DGrad, type MaxPool3DGradAttrs } from '@tensorflow/tfjs-core';
import { POOL_3D, poolGradKernel } from '../kernel_utils/pool.js';

// Inputs dy, input (and output, unused as by cpu).
export const maxPool3DGradConfig = poolGradKernel(MaxPool3DGrad, 'max', POOL_3D, (x, attrs) => {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPool3DGradAttrs;
  return backend_util.computePool3DInfo(
    x.shape as [number, number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
});
