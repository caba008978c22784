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
// Strategies, hang-safe vendor probing, statistics and SafeConv2d (issue 6); the TF.js patch is the
// './tfjs' subpath export.
export { DecisionDb, type DecisionEntry, defaultDecisionDbPath, type ProbeOutcome } from './decision-db.js';
export type { ConvBackend } from './dispatch.js';
export { resolveParams } from './geometry.js';
export {
  type AnyTensor,
  DeviceTensor,
  type GpuDeviceInfo,
  type GpuMemoryInfo,
  gpu,
  isDeviceTensor,
} from './gpu/index.js';
export {
  ADDON_PATH_ENV,
  type AddonAttempt,
  APPROVE_COMMAND,
  addonCandidates,
  loadAddon,
  type NativeAddon,
  NativeAddonError,
  REBUILD_COMMAND,
} from './native.js';
export { probeVendorPath, probeWorkerUrl } from './probe/runner.js';
export { patchLayers, SafeConv2d, type SafeConv2dGradients, type SafeConv2dOptions } from './safe-conv2d.js';
export {
  type BypassStats,
  formatBypassReport,
  getBypassStats,
  type KeyStats,
  printBypassReport,
  resetBypassStats,
} from './stats.js';
export {
  type AlgorithmName,
  type Capabilities,
  type ConvAlgorithm,
  type ConvDirection,
  type ConvGeometry,
  type ConvOperand,
  type ConvOperands,
  type ConvProblem,
  ConvRouter,
  configureConvBypass,
  createConvRouter,
  DEFAULT_SELECTIVE_THRESHOLD,
  decisionKey,
  detectCapabilities,
  FallbackStrategy,
  getConvRouter,
  makeProblem,
  type Plan,
  type ProbeFunction,
  type ProbeResult,
  planAlgorithm,
  type RouterOptions,
  type VendorInfo,
} from './strategy/index.js';
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
export { FAULT_ENV, type FaultKind, InjectedFaultError } from './vendor/faults.js';
