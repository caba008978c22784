import { ResizeBilinear, type ResizeBilinearAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { castTo } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { emptySourceRefusal, resize } from '../kernel_utils/resize.js';

// float32 output; int32 images are converted to float32 first (cpu interpolates their values in double:
// the same up to float32 rounding, which the float32 result has anyway).
export const resizeBilinearConfig = deviceKernel(
  ResizeBilinear,
  ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as ResizeBilinearAttrs;
    const images = inputs.images as TensorInfo;
    if (images.dtype === 'float32') return resize(backend, 'bilinear', images, a.size, a, 'float32');
    const f = castTo(backend, images, 'float32');
    try {
      return resize(backend, 'bilinear', f, a.size, a, 'float32');
    } finally {
      backend.disposeIntermediateTensorInfo(f);
    }
  },
  {
    refuse: ({ inputs, attrs }) =>
      emptySourceRefusal(inputs.images as TensorInfo, (attrs as unknown as ResizeBilinearAttrs).size),
  },
);
