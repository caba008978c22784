import {
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convBackwardData, convRefusal, dyMatches } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

function info({ inputs, attrs }: RocmKernelArgs) {
  const { strides, dilations, pad, dimRoundingMode, inputShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  return backend_util.computeConv2DInfo(
    inputShape,
    (inputs.filter as TensorInfo).shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
}

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
  {
    refuse: (args) => {
      const i = info(args);
      if (!dyMatches(i, args.inputs.dy as TensorInfo)) return "dy does not have the geometry's output shape";
      return convRefusal(i, true);
    },
  },
);
