import { PadV2, type PadV2Attrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { pad, remapRankRefusal } from '../kernel_utils/movement.js';

/**
 * The constant in a bool tensor: the cpu kernel fills a Uint8Array (the byte v modulo 256, which can be
 * 2); this backend holds bools as 0/1 (its host path too), so any non-zero byte is 1.
 */
function boolConstant(v: number): number {
  return new Uint8Array([v])[0]! !== 0 ? 1 : 0;
}

// The native remap kernel in constant mode. The constant is stored as the cpu kernel's typed array
// stores it: rounded to float32, or ToInt32 for int32.
export const padV2Config = deviceKernel(
  PadV2,
  ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const { paddings, constantValue } = attrs as unknown as PadV2Attrs;
    const value = x.dtype === 'bool' ? boolConstant(constantValue) : constantValue;
    return pad(backend, x, paddings, 'constant', value);
  },
  {
    refuse: ({ inputs, attrs }) => {
      const x = inputs.x as TensorInfo;
      const { paddings } = attrs as unknown as PadV2Attrs;
      if (paddings.length !== x.shape.length || paddings.some((p) => !(p[0]! >= 0 && p[1]! >= 0)))
        return 'negative paddings';
      return remapRankRefusal(x.shape);
    },
  },
);
