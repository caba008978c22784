import { DenseBincount, type DenseBincountAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { bincount } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

// cpu applies binaryOutput to 2-D x only (a vector is counted as Bincount counts it).
export const denseBincountConfig = deviceKernel(
  DenseBincount,
  ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const { size, binaryOutput } = attrs as unknown as DenseBincountAttrs;
    return bincount(
      backend,
      x,
      inputs.weights as TensorInfo,
      size,
      x.shape.length === 2 && binaryOutput === true,
    );
  },
  {
    refuse: ({ inputs }) => {
      if ((inputs.weights as TensorInfo).dtype === 'bool') return 'bool weights (cpu sums them into bytes)';
      const rank = (inputs.x as TensorInfo).shape.length;
      return rank === 1 || rank === 2 ? undefined : `x of rank ${rank}`;
    },
  },
);
