/**
 * @rocm-patch/all: enableAllPatches(), and the public API of every rocm-patch package under one import.
 *
 * Name clashes between the packages are resolved here, explicitly:
 * - `workerInfo` is @rocm-patch/mp's (the pool worker this code runs in: { id, poolName, runtime });
 *   @rocm-patch/loader's (the DataLoader worker: { id, numWorkers, seed }) is `loaderWorkerInfo`.
 * Everything else keeps its package's name. The TF.js patch (`@rocm-patch/conv-bypass/tfjs`) is included.
 * The 'rocm' TF.js backend (@rocm-patch/tfjs-backend) is not re-exported as a whole: importing it needs
 * TF.js, which this package does not; enableAllPatches() loads it where it can start, and the functions
 * of ./backend.ts (its report, strict mode) reach it once loaded.
 */
export * from '@rocm-patch/conv-bypass';
export * from '@rocm-patch/conv-bypass/tfjs';
export * from '@rocm-patch/env';
export * from '@rocm-patch/loader';
export { type LoaderWorkerInfo, workerInfo as loaderWorkerInfo } from '@rocm-patch/loader';
export * from '@rocm-patch/mp';
export { type WorkerInfo, workerInfo } from '@rocm-patch/mp';
export {
  type BackendChoice,
  type BackendReport,
  formatBackendReport,
  getBackendReport,
  isStrict,
  loadRocmBackend,
  printBackendReport,
  type RocmBackendModule,
  setStrict,
} from './backend.js';
export {
  type BackendCheck,
  type BackendSelfTestOptions,
  type BackendSelfTestReport,
  type BackendSelfTestResult,
  type BackendSelfTestSkipped,
  runBackendSelfTest,
} from './backend-self-test.js';
export {
  type ConvBypassStepOptions,
  type EnableAllPatchesOptions,
  type EnableAllPatchesReport,
  enableAllPatches,
  formatPatchReport,
  type StepReport,
  type StepStatus,
} from './enable.js';
export { Progress, type ProgressOptions, type ProgressStream } from './progress.js';
export {
  type AlgorithmCheck,
  runConvSelfTest,
  type SelfTestOptions,
  type SelfTestReport,
} from './self-test.js';
