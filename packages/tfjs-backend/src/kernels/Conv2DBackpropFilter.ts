import { Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { conv2dInfo, convBackwardFilter, gradientRefusal } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

const info = ({ inputs, attrs }: RocmKernelArgs) => {
  const a = attrs as unknown as Conv2DBackpropFilterAttrs;
  return conv2dInfo((inputs.x as TensorInfo).shape, a.filterShape, { ...a, dilations: 1 }, false);
};

export const conv2DBackpropFilterConfig = deviceKernel(
  Conv2DBackpropFilter,
  (args) =>
    convBackwardFilter(
      args.backend,
      args.inputs.x as TensorInfo,
      args.inputs.dy as TensorInfo,
      info(args),
      false,
    ),
  { refuse: (args) => gradientRefusal(info(args), args.inputs.dy as TensorInfo, false) },
);
