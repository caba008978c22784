import { backend_util, FusedConv2D, type FusedConv2DAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { type Activation, convForward, convRefusal } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

function info({ inputs, attrs }: RocmKernelArgs) {
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as FusedConv2DAttrs;
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

// Bias and ReLU in the convolution's epilogue; other activations one launch after it.
export const fusedConv2DConfig = deviceKernel(
  FusedConv2D,
  (args) => {
    const { activation, leakyreluAlpha } = args.attrs as unknown as FusedConv2DAttrs;
    return convForward(
      args.backend,
      args.inputs.x as TensorInfo,
      args.inputs.filter as TensorInfo,
      info(args),
      {
        depthwise: false,
        bias: args.inputs.bias as TensorInfo | undefined,
        activation: activation as Activation,
        preluWeights: args.inputs.preluActivationWeights as TensorInfo | undefined,
        leakyreluAlpha,
      },
    );
  },
  { refuse: (args) => convRefusal(info(args), false) },
);
