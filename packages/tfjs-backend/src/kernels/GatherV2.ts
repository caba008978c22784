import { GatherV2, type GatherV2Attrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { gatherV2 } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

// Any device dtype of x (bool too: 0/1 words are copied); int32 indices (tf.gather casts them).
export const gatherV2Config = deviceKernel(
  GatherV2,
  ({ inputs, backend, attrs }) => {
    const { axis, batchDims } = attrs as unknown as GatherV2Attrs;
    return gatherV2(backend, inputs.x as TensorInfo, inputs.indices as TensorInfo, axis, batchDims ?? 0);
  },
  {
    refuse: ({ inputs }) =>
      (inputs.indices as TensorInfo).dtype === 'int32' ? undefined : 'indices are not int32',
  },
);
