import { forwardNchw, outputFromNchw, type PatchedKernel, readFloat32 } from '../conv-core.js';
import { convInfo, rank4 } from './shared.js';

/** Conv2D: x (NHWC or NCHW) * filter [R, S, C, K]. */
export const conv2dKernel: PatchedKernel = {
  kernelName: 'Conv2D',
  run(args, context) {
    const { x: xInfo, filter: filterInfo } = args.inputs;
    const xShape = rank4(xInfo);
    const filterShape = rank4(filterInfo);
    const x = readFloat32(args.backend, xInfo);
    const filter = readFloat32(args.backend, filterInfo);
    if (!xShape || !filterShape || !x || !filter) return undefined;
    const info = convInfo(context, args, xShape, filterShape, { depthwise: false, dilations: true });
    const y = forwardNchw(context, 'Conv2D', x, filter, info, false);
    return y && outputFromNchw(args.backend, y, info);
  },
};
