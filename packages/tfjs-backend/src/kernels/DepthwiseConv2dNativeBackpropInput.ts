import {
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2dInfo, convBackwardData, gradientRefusal } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

const info = ({ inputs, attrs }: RocmKernelArgs) => {
  const a = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  return conv2dInfo(a.inputShape, (inputs.filter as TensorInfo).shape, a, true);
};

export const depthwiseConv2dNativeBackpropInputConfig = deviceKernel(
  DepthwiseConv2dNativeBackpropInput,
  (args) =>
    convBackwardData(
      args.backend,
      args.inputs.dy as TensorInfo,
      args.inputs.filter as TensorInfo,
      info(args),
      true,
    ),
  { refuse: (args) => gradientRefusal(info(args), args.inputs.dy as TensorInfo, true) },
);
