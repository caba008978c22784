import { forwardNchw, outputFromNchw, type PatchedKernel, readFloat32 } from '../conv-core.js';
import { convInfo, depthwiseLayoutSupported, rank4 } from './shared.js';

/** DepthwiseConv2dNative: x (NHWC) * filter [R, S, C, M], output channel c·M + m; groups = C for us. */
export const depthwiseConv2dNativeKernel: PatchedKernel = {
  kernelName: 'DepthwiseConv2dNative',
  run(args, context) {
    const { x: xInfo, filter: filterInfo } = args.inputs;
    const xShape = rank4(xInfo);
    const filterShape = rank4(filterInfo);
    const x = readFloat32(args.backend, xInfo);
    const filter = readFloat32(args.backend, filterInfo);
    if (!depthwiseLayoutSupported(args) || !xShape || !filterShape || !x || !filter) return undefined;
    const info = convInfo(context, args, xShape, filterShape, { depthwise: true, dilations: true });
    const y = forwardNchw(context, 'DepthwiseConv2dNative', x, filter, info, true);
    return y && outputFromNchw(args.backend, y, info);
  },
};
