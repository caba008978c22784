import {
  DepthwiseConv2dNative,
  type DepthwiseConv2dNativeAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2dInfo, convForward, convRefusal } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

export const depthwiseInfo = ({ inputs, attrs }: RocmKernelArgs) =>
  conv2dInfo(
    (inputs.x as TensorInfo).shape,
    (inputs.filter as TensorInfo).shape,
    attrs as unknown as DepthwiseConv2dNativeAttrs,
    true,
  );

// A grouped convolution with one input channel per group (groups = C, K = C·M).
export const depthwiseConv2dNativeConfig = deviceKernel(
  DepthwiseConv2dNative,
  (args) =>
    convForward(
      args.backend,
      args.inputs.x as TensorInfo,
      args.inputs.filter as TensorInfo,
      depthwiseInfo(args),
      {
        depthwise: true,
      },
    ),
  { refuse: (args) => convRefusal(depthwiseInfo(args), true) },
);
