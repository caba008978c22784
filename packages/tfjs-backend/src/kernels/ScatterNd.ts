import { ScatterNd, type ScatterNdAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { scatterNd, scatterSliceRank, sliceRankRefusal } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

// Duplicate indices sum (float32 atomics on the GPU: the order, so the last bits, vary from run to run).
export const scatterNdConfig = deviceKernel(
  ScatterNd,
  ({ inputs, backend, attrs }) => {
    const updates = inputs.updates as TensorInfo;
    const { shape } = attrs as unknown as ScatterNdAttrs;
    return scatterNd(
      backend,
      inputs.indices as TensorInfo,
      updates,
      [...shape],
      { kind: 'zeros' },
      updates.dtype,
    );
  },
  {
    refuse: ({ inputs }) =>
      // cpu sums bool updates into bytes (two trues give 2), which a 0/1 tensor cannot hold.
      (inputs.updates as TensorInfo).dtype === 'bool'
        ? 'bool updates (cpu sums them into bytes)'
        : sliceRankRefusal(scatterSliceRank(inputs.indices as TensorInfo)),
  },
);
