import { forwardNchw, outputFromNchw, type PatchContext, readFloat32 } from '../conv-core.js';
import { applyActivation, channelVector, isFusedActivation } from '../epilogue.js';
import type { KernelArgs, TensorInfo } from '../tf-types.js';
import { convInfo, rank4 } from './shared.js';

/** FusedConv2D and FusedDepthwiseConv2D: conv + bias + activation, the epilogue applied in NCHW. */
export function fusedForward(
  args: KernelArgs,
  context: PatchContext,
  kernelName: string,
  depthwise: boolean,
): TensorInfo | undefined {
  const { x: xInfo, filter: filterInfo, bias: biasInfo, preluActivationWeights: preluInfo } = args.inputs;
  const attrs = args.attrs ?? {};
  const activation = attrs.activation;
  if (!isFusedActivation(activation)) return undefined;
  const xShape = rank4(xInfo);
  const filterShape = rank4(filterInfo);
  const x = readFloat32(args.backend, xInfo);
  const filter = readFloat32(args.backend, filterInfo);
  if (!xShape || !filterShape || !x || !filter) return undefined;
  const info = convInfo(context, args, xShape, filterShape, { depthwise, dilations: true });
  const k = info.outChannels;
  let bias: Float32Array | undefined;
  if (biasInfo) {
    const values = readFloat32(args.backend, biasInfo);
    bias = values && channelVector(values, biasInfo.shape, k, info.dataFormat);
    if (!bias) return undefined;
  }
  let prelu: Float32Array | undefined;
  if (activation === 'prelu') {
    const values = readFloat32(args.backend, preluInfo);
    prelu = values && preluInfo && channelVector(values, preluInfo.shape, k, info.dataFormat);
    if (!prelu) return undefined;
  }
  const y = forwardNchw(context, kernelName, x, filter, info, depthwise, bias);
  if (!y) return undefined;
  const alpha = typeof attrs.leakyreluAlpha === 'number' ? attrs.leakyreluAlpha : 0.2;
  applyActivation(y, k, info.outHeight * info.outWidth, activation, alpha, prelu);
  return outputFromNchw(args.backend, y, info);
}
