import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convBackwardData, convRefusal, dyMatches } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

function info({ inputs, attrs }: RocmKernelArgs) {
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } =
    attrs as unknown as Conv2DBackpropInputAttrs;
  return backend_util.computeConv2DInfo(
    inputShape,
    (inputs.filter as TensorInfo).shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
}

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
  {
    refuse: (args) => {
      const i = info(args);
      if (!dyMatches(i, args.inputs.dy as TensorInfo)) return "dy does not have the geometry's output shape";
      return convRefusal(i, false);
    },
  },
);
