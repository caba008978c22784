import { GatherNd, type TensorInfo } from '@tensorflow/tfjs-core';
import { gatherNd, sliceRankRefusal } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

export const gatherNdConfig = deviceKernel(
  GatherNd,
  ({ inputs, backend }) => gatherNd(backend, inputs.params as TensorInfo, inputs.indices as TensorInfo),
  {
    // prepareAndValidate throws tfjs-core's own errors for the other shapes and dtypes.
    refuse: ({ inputs }) => {
      const indices = inputs.indices as TensorInfo;
      return sliceRankRefusal(indices.shape[indices.shape.length - 1] ?? 0);
    },
  },
);
