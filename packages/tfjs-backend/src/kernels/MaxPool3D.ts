import { backend_util, MaxPool3D, type MaxPool3DAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { float32Refusal } from '../kernel_utils/nn.js';
import { ndhwcRefusal, POOL_3D, pool } from '../kernel_utils/pool.js';

export const maxPool3DConfig = deviceKernel(
  MaxPool3D,
  ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const { filterSize, strides, pad, dimRoundingMode, dataFormat } = attrs as unknown as MaxPool3DAttrs;
    const info = backend_util.computePool3DInfo(
      x.shape as [number, number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
      dataFormat,
    );
    return pool(backend, x, info, 'max', POOL_3D)[0]!;
  },
  {
    refuse: ({ inputs, attrs }) =>
      float32Refusal(inputs.x as TensorInfo) ?? ndhwcRefusal((attrs as unknown as MaxPool3DAttrs).dataFormat),
  },
);
