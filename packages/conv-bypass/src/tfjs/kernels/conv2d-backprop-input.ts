import { backwardData, type PatchedKernel, readFloat32 } from '../conv-core.js';
import { convInfo, dyMatches, isShape4, rank4 } from './shared.js';

/** Conv2DBackpropInput: dx from dy and filter (TF.js: no dilations in this kernel). */
export const conv2dBackpropInputKernel: PatchedKernel = {
  kernelName: 'Conv2DBackpropInput',
  run(args, context) {
    const { dy: dyInfo, filter: filterInfo } = args.inputs;
    const inputShape = args.attrs?.inputShape;
    const filterShape = rank4(filterInfo);
    const dy = readFloat32(args.backend, dyInfo);
    const filter = readFloat32(args.backend, filterInfo);
    if (!isShape4(inputShape) || !filterShape || !rank4(dyInfo) || !dy || !filter) return undefined;
    const info = convInfo(context, args, inputShape, filterShape, { depthwise: false, dilations: false });
    if (!dyMatches(info, dyInfo)) return undefined;
    return backwardData(context, 'Conv2DBackpropInput', args.backend, dy, filter, info, false);
  },
};
