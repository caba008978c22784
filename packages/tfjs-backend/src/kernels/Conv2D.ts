import { backend_util, Conv2D, type Conv2DAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { convForward, convRefusal } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

function info({ inputs, attrs }: RocmKernelArgs) {
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
  return backend_util.computeConv2DInfo(
    (inputs.x as TensorInfo).shape as [number, number, number, number],
    (inputs.filter as TensorInfo).shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
}

export const conv2DConfig = deviceKernel(
  Conv2D,
  (args) =>
    convForward(args.backend, args.inputs.x as TensorInfo, args.inputs.filter as TensorInfo, info(args), {
      depthwise: false,
    }),
  { refuse: (args) => convRefusal(info(args), false) },
);
