import { LRNGrad, type LRNGradAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { lrnGrad, lrnRefusal } from '../kernel_utils/nn.js';

// Inputs x, y (LRN's output), dy.
export const lrnGradConfig = deviceKernel(
  LRNGrad,
  ({ inputs, backend, attrs }) =>
    lrnGrad(
      backend,
      inputs.x as TensorInfo,
      inputs.y as TensorInfo,
      inputs.dy as TensorInfo,
      attrs as unknown as LRNGradAttrs,
    ),
  {
    refuse: ({ inputs, attrs }) =>
      lrnRefusal(
        attrs as unknown as LRNGradAttrs,
        inputs.x as TensorInfo,
        inputs.y as TensorInfo,
        inputs.dy as TensorInfo,
      ),
  },
);
