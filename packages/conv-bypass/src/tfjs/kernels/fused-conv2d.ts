import type { PatchedKernel } from '../conv-core.js';
import { fusedForward } from './fused-forward.js';

/** FusedConv2D: conv + bias + linear/relu/relu6/elu/leakyrelu/prelu/sigmoid. */
export const fusedConv2dKernel: PatchedKernel = {
  kernelName: 'FusedConv2D',
  run: (args, context) => fusedForward(args, context, 'FusedConv2D', false),
};
