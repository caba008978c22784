import { MirrorPad, type MirrorPadAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { pad, remapRankRefusal } from '../kernel_utils/movement.js';

// The native remap kernel in reflect or symmetric mode (one reflection per side, as tf.mirrorPad allows).
export const mirrorPadConfig = deviceKernel(
  MirrorPad,
  ({ inputs, backend, attrs }) => {
    const { paddings, mode } = attrs as unknown as MirrorPadAttrs;
    return pad(backend, inputs.x as TensorInfo, paddings, mode);
  },
  {
    refuse: ({ inputs, attrs }) => {
      const x = inputs.x as TensorInfo;
      const { paddings, mode } = attrs as unknown as MirrorPadAttrs;
      const most = (n: number) => (mode === 'reflect' ? n - 1 : n);
      // tf.mirrorPad checks these; beyond them the cpu kernel reads outside x.
      if (
        paddings.length !== x.shape.length ||
        paddings.some(
          (p, d) => !(p[0]! >= 0 && p[1]! >= 0 && p[0]! <= most(x.shape[d]!) && p[1]! <= most(x.shape[d]!)),
        )
      )
        return 'paddings outside what one reflection covers';
      return remapRankRefusal(x.shape);
    },
  },
);
