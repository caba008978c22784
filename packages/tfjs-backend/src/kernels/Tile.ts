import { type TensorInfo, Tile, type TileAttrs } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { remapRankRefusal, tile } from '../kernel_utils/movement.js';

// The native remap kernel: each output element reads x at its index modulo x's shape.
export const tileConfig = deviceKernel(
  Tile,
  ({ inputs, backend, attrs }) => {
    const { reps } = attrs as unknown as TileAttrs;
    return tile(backend, inputs.x as TensorInfo, reps);
  },
  {
    refuse: ({ inputs, attrs }) => {
      const x = inputs.x as TensorInfo;
      const { reps } = attrs as unknown as TileAttrs;
      // tf.tile checks these; a direct kernel call that breaks them gets the cpu kernel's behaviour.
      if (reps.length !== x.shape.length || reps.some((r) => !(r >= 0))) return 'reps do not match the rank';
      return remapRankRefusal(x.shape);
    },
  },
);
