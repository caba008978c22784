import { backwardData, type PatchedKernel, readFloat32 } from '../conv-core.js';
import { convInfo, depthwiseLayoutSupported, dyMatches, isShape4, rank4 } from './shared.js';

/** DepthwiseConv2dNativeBackpropInput: dx (NHWC) from dy and filter [R, S, C, M]. */
export const depthwiseConv2dNativeBackpropInputKernel: PatchedKernel = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  run(args, context) {
    const { dy: dyInfo, filter: filterInfo } = args.inputs;
    const inputShape = args.attrs?.inputShape;
    const filterShape = rank4(filterInfo);
    const dy = readFloat32(args.backend, dyInfo);
    const filter = readFloat32(args.backend, filterInfo);
    if (
      !depthwiseLayoutSupported(args) ||
      !isShape4(inputShape) ||
      !filterShape ||
      !rank4(dyInfo) ||
      !dy ||
      !filter
    ) {
      return undefined;
    }
    const info = convInfo(context, args, inputShape, filterShape, { depthwise: true, dilations: true });
    if (!dyMatches(info, dyInfo)) return undefined;
    return backwardData(context, 'DepthwiseConv2dNativeBackpropInput', args.backend, dy, filter, info, true);
  },
};
