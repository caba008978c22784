import type { PatchedKernel } from '../conv-core.js';
import { fusedForward } from './fused-forward.js';
import { depthwiseLayoutSupported } from './shared.js';

/** FusedDepthwiseConv2D: depthwise conv + bias + activation (NHWC). */
export const fusedDepthwiseConv2dKernel: PatchedKernel = {
  kernelName: 'FusedDepthwiseConv2D',
  run: (args, context) =>
    depthwiseLayoutSupported(args) ? fusedForward(args, context, 'FusedDepthwiseConv2D', true) : undefined,
};
