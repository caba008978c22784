import { ResizeBilinearGrad, type ResizeBilinearGradAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { float32Refusal } from '../kernel_utils/nn.js';
import { resizeGrad } from '../kernel_utils/resize.js';

// Inputs images, dy; like cpu's, it ignores halfPixelCenters.
export const resizeBilinearGradConfig = deviceKernel(
  ResizeBilinearGrad,
  ({ inputs, backend, attrs }) =>
    resizeGrad(
      backend,
      'bilinear',
      inputs.images as TensorInfo,
      inputs.dy as TensorInfo,
      attrs as unknown as ResizeBilinearGradAttrs,
    ),
  { refuse: ({ inputs }) => float32Refusal(inputs.dy as TensorInfo) },
);
