import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convBackwardFilter, convRefusal, dyMatches } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

function info({ inputs, attrs }: RocmKernelArgs) {
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  return backend_util.computeConv2DInfo(
    (inputs.x as TensorInfo).shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
}

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
  {
    refuse: (args) => {
      const i = info(args);
      if (!dyMatches(i, args.inputs.dy as TensorInfo)) return "dy does not have the geometry's output shape";
      return convRefusal(i, true);
    },
  },
);
