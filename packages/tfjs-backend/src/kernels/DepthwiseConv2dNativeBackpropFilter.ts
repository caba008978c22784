import {
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2dInfo, convBackwardFilter, gradientRefusal } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

const info = ({ inputs, attrs }: RocmKernelArgs) => {
  const a = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  return conv2dInfo((inputs.x as TensorInfo).shape, a.filterShape, a, true);
};

export const depthwiseConv2dNativeBackpropFilterConfig = deviceKernel(
  DepthwiseConv2dNativeBackpropFilter,
  (args) =>
    convBackwardFilter(
      args.backend,
      args.inputs.x as TensorInfo,
      args.inputs.dy as TensorInfo,
      info(args),
      true,
    ),
  { refuse: (args) => gradientRefusal(info(args), args.inputs.dy as TensorInfo, true) },
);
