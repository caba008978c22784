import { Conv2DBackpropInput, type Conv2DBackpropInputAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { conv2dInfo, convBackwardData, gradientRefusal } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

const info = ({ inputs, attrs }: RocmKernelArgs) => {
  const a = attrs as unknown as Conv2DBackpropInputAttrs;
  return conv2dInfo(a.inputShape, (inputs.filter as TensorInfo).shape, { ...a, dilations: 1 }, false);
};

// The input gradient (and conv2dTranspose's forward pass).
export const conv2DBackpropInputConfig = deviceKernel(
  Conv2DBackpropInput,
  (args) =>
    convBackwardData(
      args.backend,
      args.inputs.dy as TensorInfo,
      args.inputs.filter as TensorInfo,
      info(args),
      false,
    ),
  { refuse: (args) => gradientRefusal(info(args), args.inputs.dy as TensorInfo, false) },
);
