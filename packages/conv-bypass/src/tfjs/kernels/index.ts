import type { PatchedKernel } from '../conv-core.js';
import { conv2dKernel } from './conv2d.js';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input.js';
import { depthwiseConv2dNativeKernel } from './depthwise-conv2d-native.js';
import { depthwiseConv2dNativeBackpropFilterKernel } from './depthwise-conv2d-native-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputKernel } from './depthwise-conv2d-native-backprop-input.js';
import { fusedConv2dKernel } from './fused-conv2d.js';
import { fusedDepthwiseConv2dKernel } from './fused-depthwise-conv2d.js';

/** Every kernel the patch replaces, like tfjs-core's kernel registry: one file each. */
export const PATCHED_KERNELS: readonly PatchedKernel[] = [
  conv2dKernel,
  fusedConv2dKernel,
  conv2dBackpropInputKernel,
  conv2dBackpropFilterKernel,
  depthwiseConv2dNativeKernel,
  fusedDepthwiseConv2dKernel,
  depthwiseConv2dNativeBackpropInputKernel,
  depthwiseConv2dNativeBackpropFilterKernel,
];
