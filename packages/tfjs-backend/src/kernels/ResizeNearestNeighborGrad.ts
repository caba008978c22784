import {
  ResizeNearestNeighborGrad,
  type ResizeNearestNeighborGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { float32Refusal } from '../kernel_utils/nn.js';
import { resizeGrad } from '../kernel_utils/resize.js';

// Inputs images, dy; like cpu's, it ignores halfPixelCenters and searches cpu's window of dy. Unlike
// cpu's, each image of a batch reads its own dy (cpu steps through dy with the images' batch stride,
// which is wrong for batch > 1; native/src/tensor/ops/resize.h). cpu gives the result the images' dtype
// (with fractional sums in it for int32 images): those go to cpu.
export const resizeNearestNeighborGradConfig = deviceKernel(
  ResizeNearestNeighborGrad,
  ({ inputs, backend, attrs }) =>
    resizeGrad(
      backend,
      'nearest',
      inputs.images as TensorInfo,
      inputs.dy as TensorInfo,
      attrs as unknown as ResizeNearestNeighborGradAttrs,
    ),
  { refuse: ({ inputs }) => float32Refusal(inputs.images as TensorInfo, inputs.dy as TensorInfo) },
);
