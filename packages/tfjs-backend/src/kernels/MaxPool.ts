import { backend_util, MaxPool, type MaxPoolAttrs, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { float32Refusal } from '../kernel_utils/nn.js';
import { POOL_2D, pool } from '../kernel_utils/pool.js';

export const maxPoolConfig = deviceKernel(
  MaxPool,
  ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolAttrs;
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    // cpu returns x itself for a 1×1 pool that keeps the shape (NaN stays NaN there).
    if (info.filterWidth === 1 && info.filterHeight === 1 && util.arraysEqual(info.inShape, info.outShape))
      return backend.aliasTensorInfo(x, [...x.shape]);
    return pool(backend, x, info, 'max', POOL_2D, x.dtype)[0]!;
  },
  { refuse: ({ inputs }) => float32Refusal(inputs.x as TensorInfo) },
);
