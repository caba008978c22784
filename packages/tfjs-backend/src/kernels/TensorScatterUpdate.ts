import { type TensorInfo, TensorScatterUpdate } from '@tensorflow/tfjs-core';
import { deviceDType } from '../backend.js';
import { scatterNd, scatterSliceRank, sliceRankRefusal } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

// A copy of the tensor with the updates written over it; of duplicate indices the last update wins, as
// in cpu's sequential loop (deterministic on the GPU too).
export const tensorScatterUpdateConfig = deviceKernel(
  TensorScatterUpdate,
  ({ inputs, backend }) => {
    const tensor = inputs.tensor as TensorInfo;
    return scatterNd(
      backend,
      inputs.indices as TensorInfo,
      inputs.updates as TensorInfo,
      [...tensor.shape],
      { kind: 'tensor', tensor },
      tensor.dtype,
    );
  },
  {
    refuse: ({ inputs }) =>
      deviceDType((inputs.tensor as TensorInfo).dtype) !== deviceDType((inputs.updates as TensorInfo).dtype)
        ? 'tensor and updates differ in dtype'
        : sliceRankRefusal(scatterSliceRank(inputs.indices as TensorInfo)),
  },
);
