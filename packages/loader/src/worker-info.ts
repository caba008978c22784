/** What a loader worker knows about itself; see workerInfo(). */
export interface LoaderWorkerInfo {
  /** 0 ≤ id < numWorkers; a worker that replaces a dead one keeps its id. */
  id: number;
  numWorkers: number;
  /** This worker's seed: the loader's base seed + id (mod 2^32). */
  seed: number;
  /** The loader's base seed. */
  baseSeed: number;
  /** The current epoch. */
  epoch: number;
}

// A global symbol: the worker task module and the copy of this package a dataset module imports are
// separate bundles (and so separate module instances) inside the same worker.
const INFO_SYMBOL = Symbol.for('@rocm-patch/loader.workerInfo');

/**
 * Inside a loader worker, which worker this is (use it to shard an iterable dataset); null in the main
 * process, including with numWorkers 0.
 */
export function workerInfo(): LoaderWorkerInfo | null {
  const info = (globalThis as Record<symbol, LoaderWorkerInfo | undefined>)[INFO_SYMBOL];
  return info ? { ...info } : null;
}

export function setWorkerInfo(info: LoaderWorkerInfo): void {
  (globalThis as Record<symbol, LoaderWorkerInfo | undefined>)[INFO_SYMBOL] = info;
}
