import { FusedConv2D, type FusedConv2DAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { type Activation, conv2dInfo, convForward, convRefusal } from '../kernel_utils/conv.js';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';

const info = ({ inputs, attrs }: RocmKernelArgs) =>
  conv2dInfo(
    (inputs.x as TensorInfo).shape,
    (inputs.filter as TensorInfo).shape,
    attrs as unknown as FusedConv2DAttrs,
    false,
  );

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
