export {
  conv2d,
  conv2dAsync,
  conv2dBackwardBias,
  conv2dBackwardData,
  conv2dBackwardDataAsync,
  conv2dBackwardFilter,
  conv2dBackwardFilterAsync,
} from './conv.js';
export { type CpuInfo, type CpuIsa, cpuInfo, setCpuIsa, setCpuThreads } from './cpu.js';
export type { ConvBackend } from './dispatch.js';
export { resolveParams } from './geometry.js';
export {
  ADDON_PATH_ENV,
  type AddonAttempt,
  addonCandidates,
  loadAddon,
  type NativeAddon,
  NativeAddonError,
  REBUILD_COMMAND,
} from './native.js';
export type {
  Conv2dBackwardDataOptions,
  Conv2dBackwardFilterOptions,
  Conv2dOptions,
  ConvGeometryOptions,
  ConvParams,
  Device,
  Padding,
  Tensor4,
} from './types.js';
