import { AvgPool3D, type AvgPool3DAttrs, backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { float32Refusal } from '../kernel_utils/nn.js';
import { ndhwcRefusal, POOL_3D, pool } from '../kernel_utils/pool.js';

export const avgPool3DConfig = deviceKernel(
  AvgPool3D,
  ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const { filterSize, strides, pad, dimRoundingMode, dataFormat } = attrs as unknown as AvgPool3DAttrs;
    const info = backend_util.computePool3DInfo(
      x.shape as [number, number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
      dataFormat,
    );
    return pool(backend, x, info, 'avg', POOL_3D)[0]!;
  },
  {
    refuse: ({ inputs, attrs }) =>
      float32Refusal(inputs.x as TensorInfo) ?? ndhwcRefusal((attrs as unknown as AvgPool3DAttrs).dataFormat),
  },
);
