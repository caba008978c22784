import { backwardFilter, type PatchedKernel, readFloat32 } from '../conv-core.js';
import { convInfo, depthwiseLayoutSupported, dyMatches, isShape4, rank4 } from './shared.js';

/** DepthwiseConv2dNativeBackpropFilter: dfilter [R, S, C, M] from x (NHWC) and dy. */
export const depthwiseConv2dNativeBackpropFilterKernel: PatchedKernel = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  run(args, context) {
    const { x: xInfo, dy: dyInfo } = args.inputs;
    const filterShape = args.attrs?.filterShape;
    const xShape = rank4(xInfo);
    const x = readFloat32(args.backend, xInfo);
    const dy = readFloat32(args.backend, dyInfo);
    if (!depthwiseLayoutSupported(args) || !isShape4(filterShape) || !xShape || !rank4(dyInfo) || !x || !dy) {
      return undefined;
    }
    const info = convInfo(context, args, xShape, filterShape, { depthwise: true, dilations: true });
    if (!dyMatches(info, dyInfo)) return undefined;
    return backwardFilter(
      context,
      'DepthwiseConv2dNativeBackpropFilter',
      args.backend,
      x,
      dy,
      info,
      true,
      filterShape,
    );
  },
};
