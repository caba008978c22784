import {
  backend_util,
  MaxPoolWithArgmax,
  type MaxPoolWithArgmaxAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { float32Refusal } from '../kernel_utils/nn.js';
import { POOL_2D, pool } from '../kernel_utils/pool.js';

// [pooled values, int32 flat argmax] in one launch; the argmax is the first maximum in scan order (cpu's
// maxPoolPositions), flat in the image or, with includeBatchInIndex, in the batch.
export const maxPoolWithArgmaxConfig = deviceKernel(
  MaxPoolWithArgmax,
  ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const { filterSize, strides, pad, includeBatchInIndex } = attrs as unknown as MaxPoolWithArgmaxAttrs;
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      filterSize,
      strides,
      [1, 1],
      pad,
    );
    return pool(backend, x, info, 'max', POOL_2D, x.dtype, includeBatchInIndex ? 'flatWithBatch' : 'flat');
  },
  { refuse: ({ inputs }) => float32Refusal(inputs.x as TensorInfo) },
);
