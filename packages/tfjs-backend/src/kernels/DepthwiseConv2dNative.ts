import {
  backend_util,
  DepthwiseConv2dNative,
  type DepthwiseConv2dNativeAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convForward, convRefusal } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

export function depthwiseInfo({ inputs, attrs }: RocmKernelArgs) {
  const { strides, pad, dilations, dimRoundingMode } = attrs as unknown as DepthwiseConv2dNativeAttrs;
  return backend_util.computeConv2DInfo(
    (inputs.x as TensorInfo).shape as [number, number, number, number],
    (inputs.filter as TensorInfo).shape as [number, number, number, number],
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    true,
  );
}

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
