import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convBackwardFilter, convRefusal, dyMatches } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

function info({ inputs, attrs }: RocmKernelArgs) {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as Conv2DBackpropFilterAttrs;
  return backend_util.computeConv2DInfo(
    (inputs.x as TensorInfo).shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
}

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
  {
    refuse: (args) => {
      const i = info(args);
      if (!dyMatches(i, args.inputs.dy as TensorInfo)) return "dy does not have the geometry's output shape";
      return convRefusal(i, false);
    },
  },
);
