import {
  ResizeNearestNeighbor,
  type ResizeNearestNeighborAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { emptySourceRefusal, resize } from '../kernel_utils/resize.js';

// The images' dtype; int32 values pass through float32 as in cpu (which collects them in a Float32Array).
export const resizeNearestNeighborConfig = deviceKernel(
  ResizeNearestNeighbor,
  ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as ResizeNearestNeighborAttrs;
    const images = inputs.images as TensorInfo;
    return resize(backend, 'nearest', images, a.size, a, images.dtype);
  },
  {
    refuse: ({ inputs, attrs }) =>
      emptySourceRefusal(inputs.images as TensorInfo, (attrs as unknown as ResizeNearestNeighborAttrs).size),
  },
);
