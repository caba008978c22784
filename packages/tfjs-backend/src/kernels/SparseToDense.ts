import { SparseToDense, type SparseToDenseAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { scatterNd, scatterSliceRank, sliceRankRefusal } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

// The default value everywhere, then the sparse values written over it (the last of duplicates wins).
export const sparseToDenseConfig = deviceKernel(
  SparseToDense,
  ({ inputs, backend, attrs }) => {
    const sparseValues = inputs.sparseValues as TensorInfo;
    const { outputShape } = attrs as unknown as SparseToDenseAttrs;
    return scatterNd(
      backend,
      inputs.sparseIndices as TensorInfo,
      sparseValues,
      [...outputShape],
      { kind: 'default', value: inputs.defaultValue as TensorInfo },
      sparseValues.dtype,
    );
  },
  {
    refuse: ({ inputs }) =>
      (inputs.defaultValue as TensorInfo).dtype !== (inputs.sparseValues as TensorInfo).dtype
        ? 'defaultValue and sparseValues differ in dtype'
        : sliceRankRefusal(scatterSliceRank(inputs.sparseIndices as TensorInfo)),
  },
);
