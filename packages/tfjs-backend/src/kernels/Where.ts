import type { TensorInfo } from '@tensorflow/tfjs-core';
import { MAX_RANK } from '../kernel_utils/elementwise.js';
import { INT32_LIMIT, whereCoordinates } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

/**
 * The coordinates of the true elements of `condition` (tf.whereAsync's result), int32 [count, rank].
 * tfjs-core 4.x has no Where kernel — tf.whereAsync reads the data and computes on the host — so this
 * one is reached through `tf.engine().runKernel('Where', { condition })`.
 */
export const WHERE = 'Where';

export const whereConfig = deviceKernel(
  WHERE,
  ({ inputs, backend }) => whereCoordinates(backend, inputs.condition as TensorInfo),
  {
    refuse: ({ inputs }) => {
      const c = inputs.condition as TensorInfo;
      if (c.shape.length > MAX_RANK) return `rank ${c.shape.length} > ${MAX_RANK}`;
      return c.shape.reduce((a, b) => a * b, 1) > INT32_LIMIT ? 'more than 2^31 - 1 elements' : undefined;
    },
  },
);
