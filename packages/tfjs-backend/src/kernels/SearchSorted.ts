import { SearchSorted, type SearchSortedAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { INT32_LIMIT, searchSorted } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

// tf.searchSorted reshapes both inputs to 2-D [batch, n] before the kernel.
export const searchSortedConfig = deviceKernel(
  SearchSorted,
  ({ inputs, backend, attrs }) => {
    const { side } = attrs as unknown as SearchSortedAttrs;
    return searchSorted(backend, inputs.sortedSequence as TensorInfo, inputs.values as TensorInfo, side);
  },
  {
    refuse: ({ inputs }) => {
      const seq = inputs.sortedSequence as TensorInfo;
      const values = inputs.values as TensorInfo;
      if (seq.shape.length !== 2 || values.shape.length !== 2 || seq.shape[0] !== values.shape[0])
        return 'inputs are not [batch, n] matrices of one batch';
      return seq.shape[1]! > INT32_LIMIT ? 'sequence longer than 2^31 - 1' : undefined;
    },
  },
);
