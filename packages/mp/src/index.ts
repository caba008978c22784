export {
  type MultiprocessingDefaults,
  setupMultiprocessing,
} from './defaults.js';
export { PoolClosedError, TaskError, TaskTimeoutError, WorkerCrashError } from './errors.js';
export { hiddenGpuEnv } from './gpu.js';
export {
  type ImportMetaLike,
  isMainModule,
  isPoolWorker,
  runMain,
  type WorkerInfo,
  workerInfo,
} from './guard.js';
export {
  createPool,
  Pool,
  type PoolOptions,
  type RunOptions,
  type WorkerState,
  type WorkerStatus,
} from './pool.js';
export type { Runtime } from './protocol.js';
export { type TransferredResult, withTransfer } from './transfer.js';
