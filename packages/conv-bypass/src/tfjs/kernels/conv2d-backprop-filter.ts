import { backwardFilter, type PatchedKernel, readFloat32 } from '../conv-core.js';
import { convInfo, dyMatches, isShape4, rank4 } from './shared.js';

/** Conv2DBackpropFilter: dfilter [R, S, C, K] from x and dy (TF.js: no dilations in this kernel). */
export const conv2dBackpropFilterKernel: PatchedKernel = {
  kernelName: 'Conv2DBackpropFilter',
  run(args, context) {
    const { x: xInfo, dy: dyInfo } = args.inputs;
    const filterShape = args.attrs?.filterShape;
    const xShape = rank4(xInfo);
    const x = readFloat32(args.backend, xInfo);
    const dy = readFloat32(args.backend, dyInfo);
    if (!isShape4(filterShape) || !xShape || !rank4(dyInfo) || !x || !dy) return undefined;
    const info = convInfo(context, args, xShape, filterShape, { depthwise: false, dilations: false });
    if (!dyMatches(info, dyInfo)) return undefined;
    return backwardFilter(context, 'Conv2DBackpropFilter', args.backend, x, dy, info, false, filterShape);
  },
};
