import { FusedDepthwiseConv2D, type FusedDepthwiseConv2DAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { type Activation, convForward, convRefusal } from '../kernel_utils/conv.js';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { depthwiseInfo } from './DepthwiseConv2dNative.js';

export const fusedDepthwiseConv2DConfig = deviceKernel(
  FusedDepthwiseConv2D,
  (args) => {
    const { activation, leakyreluAlpha } = args.attrs as unknown as FusedDepthwiseConv2DAttrs;
    return convForward(
      args.backend,
      args.inputs.x as TensorInfo,
      args.inputs.filter as TensorInfo,
      depthwiseInfo(args),
      {
        depthwise: true,
        bias: args.inputs.bias as TensorInfo | undefined,
        activation: activation as Activation,
        preluWeights: args.inputs.preluActivationWeights as TensorInfo | undefined,
        leakyreluAlpha,
      },
    );
  },
  { refuse: (args) => convRefusal(depthwiseInfo(args), true) },
);
