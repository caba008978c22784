import { AddN, type TensorInfo } from '@tensorflow/tfjs-core';
import { binary, rankRefusal } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

// A chain of adds (inputs share shape and dtype).
export const addNConfig = deviceKernel(
  AddN,
  ({ inputs, backend }) => {
    const tensors = inputs as unknown as TensorInfo[];
    const first = tensors[0]!;
    if (tensors.length === 1) return backend.aliasTensorInfo(first, [...first.shape]);
    let acc = binary(backend, 'Add', first, tensors[1]!, first.dtype);
    for (let i = 2; i < tensors.length; i++) {
      const next = binary(backend, 'Add', acc, tensors[i]!, first.dtype);
      backend.disposeIntermediateTensorInfo(acc);
      acc = next;
    }
    return acc;
  },
  { refuse: ({ inputs }) => rankRefusal((inputs as unknown as TensorInfo[])[0]!.shape) },
);
