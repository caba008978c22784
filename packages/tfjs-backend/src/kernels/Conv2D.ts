import { Conv2D, type Conv2DAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { conv2dInfo, convForward, convRefusal } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

const info = ({ inputs, attrs }: RocmKernelArgs) =>
  conv2dInfo(
    (inputs.x as TensorInfo).shape,
    (inputs.filter as TensorInfo).shape,
    attrs as unknown as Conv2DAttrs,
    false,
  );

export const conv2DConfig = deviceKernel(
  Conv2D,
  (args) =>
    convForward(args.backend, args.inputs.x as TensorInfo, args.inputs.filter as TensorInfo, info(args), {
      depthwise: false,
    }),
  { refuse: (args) => convRefusal(info(args), false) },
);
