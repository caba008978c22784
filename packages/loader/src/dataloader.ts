import { randomInt, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { checkOptionKeys, formatValue } from '@rocm-patch/env';
import { createPool, TaskTimeoutError, WorkerCrashError } from '@rocm-patch/mp';
import { builtFileUrl } from './built-file.js';
import { type Collated, defaultCollate } from './collate.js';
import {
  type DatasetKind,
  datasetKind,
  type IterableDataset,
  isModuleRef,
  type MapDataset,
  type ModuleRef,
  normaliseModuleRef,
  portableRefOf,
} from './dataset.js';
import { checkCount, checkRuntime, loaderDefaults } from './defaults.js';
import { BatchTimeoutError, SampleError } from './errors.js';
import { type Collate, type FetchResult, fetchBatch, IterableBatcher } from './fetch.js';
import { constructFromRef, type NormalisedRef } from './load-ref.js';
import type { BatchReply, InitReply, InitTask, Runtime } from './protocol.js';
import { RestartBudget } from './restart-budget.js';
import { validateSeed } from './rng.js';
import {
  BatchSampler,
  type BatchSamplerLike,
  RandomSampler,
  type Sampler,
  SequentialSampler,
  validateEpoch,
} from './samplers.js';
import {
  createShmDir,
  discardFile,
  discardFiles,
  removeShmDir,
  SpareBatchFiles,
  unpackFromFile,
} from './shm.js';

type Pool = ReturnType<typeof createPool>;

export interface DataLoaderOptions<T = unknown, B extends object = Collated<T>> {
  /**
   * A map-style or iterable dataset instance (numWorkers 0, or a built-in dataset, which knows how workers
   * rebuild it), or a module reference { module, export, args } from which every worker builds its own.
   */
  dataset: MapDataset<T> | IterableDataset<T> | ModuleRef;
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Reshuffle every epoch with a permutation derived from (seed, epoch) (default false). */
  shuffle?: boolean;
  /** The order of dataset indices (an iterable of indices); excludes shuffle. */
  sampler?: Sampler;
  /** Index lists, one per batch; excludes batchSize, shuffle, sampler and dropLast. */
  batchSampler?: BatchSamplerLike;
  /** Drop the last, incomplete batch (default false). */
  dropLast?: boolean;
  /** (items, indices) => batch; a function with numWorkers 0, a module reference to a function with workers. */
  collate?: ((items: T[], indices: Int32Array) => B) | ModuleRef;
  /** Worker count; 0 loads in the calling thread (default 0, or what patchDataLoader set). */
  numWorkers?: number;
  /** Batches in flight per worker (default 2): at most prefetchFactor × numWorkers are loaded ahead. */
  prefetchFactor?: number;
  /** Keep the workers between epochs (default false, or what patchDataLoader set); close() stops them. */
  persistentWorkers?: boolean;
  /** 'thread' (default) or 'process' (the only runtime that keeps workers away from the GPU). */
  runtime?: Runtime;
  /** A module reference to a function (workerId) => void | Promise<void>, run in each worker after the dataset is built. */
  workerInit?: ModuleRef;
  /** Longest wait for one batch, in ms; a worker past it is killed and the iteration fails. */
  timeoutMs?: number;
  /** Yield batches in sampler order (default true); false yields them as they complete. */
  inOrder?: boolean;
  /** Base seed (an integer in [0, 2^32)); default random. */
  seed?: number;
  /**
   * How many times each worker may die and be replaced within one epoch (default 3): its batches are sent
   * again to the replacement; one death more fails the epoch with the list of deaths. Each epoch starts
   * with the whole budget, so a long-lived persistent loader is not worn down by rare deaths.
   */
  maxRestartsPerEpoch?: number;
}

const OPTION_KEYS = [
  'dataset',
  'batchSize',
  'shuffle',
  'sampler',
  'batchSampler',
  'dropLast',
  'collate',
  'numWorkers',
  'prefetchFactor',
  'persistentWorkers',
  'runtime',
  'workerInit',
  'timeoutMs',
  'inOrder',
  'seed',
  'maxRestartsPerEpoch',
] as const;

interface Settled<B> {
  ok: boolean;
  value?: B;
  error?: unknown;
}

/** Default of options.maxRestartsPerEpoch. */
const DEFAULT_RESTARTS_PER_EPOCH = 3;

/**
 * Loads batches from a dataset, in parallel workers when numWorkers > 0. `for await (const batch of loader)`
 * runs one epoch; each iteration advances the epoch (or set it with setEpoch).
 */
export class DataLoader<T = unknown, B extends object = Collated<T>>
  implements AsyncIterable<B & { indices: Int32Array }>
{
  readonly batchSize: number;
  readonly numWorkers: number;
  readonly prefetchFactor: number;
  readonly persistentWorkers: boolean;
  readonly runtime: Runtime;
  readonly inOrder: boolean;
  readonly seed: number;
  readonly timeoutMs: number | undefined;
  readonly dropLast: boolean;
  readonly maxRestartsPerEpoch: number;

  readonly #options: DataLoaderOptions<T, B>;
  readonly #key = randomUUID();
  readonly #datasetRef: NormalisedRef | null;
  readonly #collate: Collate | null;
  readonly #collateRef: NormalisedRef | null;
  readonly #workerInitRef: NormalisedRef | null;
  #dataset: MapDataset | IterableDataset | null = null;
  #kind: DatasetKind | null = null;
  #datasetLength: number | null = null;
  #batchSampler: BatchSamplerLike | null = null;
  #readyPromise: Promise<void> | null = null;
  #pool: Pool | null = null;
  /** Process runtime: this pool's directory for batch files in shared memory. */
  #shmDir: string | null = null;
  /** Batch files read, waiting to go back to their worker for reuse (with #shmDir). */
  #spareFiles = new SpareBatchFiles();
  #epoch = 0;
  /** setEpoch was called while an iteration ran: that iteration must not advance the epoch over it. */
  #epochSet = false;
  #iterating = false;
  #closed = false;

  constructor(options: DataLoaderOptions<T, B>) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(
        `new DataLoader(options): options must be an object with at least { dataset }, got ${formatValue(options)}`,
      );
    }
    checkOptionKeys('new DataLoader', 'options', options, OPTION_KEYS);
    const defaults = loaderDefaults();
    this.#options = options;
    this.numWorkers = checkCount(options.numWorkers ?? defaults.numWorkers, 'options.numWorkers', 0);
    this.prefetchFactor = checkCount(
      options.prefetchFactor ?? defaults.prefetchFactor,
      'options.prefetchFactor',
      1,
    );
    this.persistentWorkers = checkBool(
      options.persistentWorkers ?? defaults.persistentWorkers,
      'options.persistentWorkers',
    );
    this.runtime = checkRuntime(options.runtime ?? defaults.runtime, 'options.runtime');
    this.inOrder = checkBool(options.inOrder ?? true, 'options.inOrder');
    this.dropLast = checkBool(options.dropLast ?? false, 'options.dropLast');
    this.maxRestartsPerEpoch = checkCount(
      options.maxRestartsPerEpoch ?? DEFAULT_RESTARTS_PER_EPOCH,
      'options.maxRestartsPerEpoch',
      0,
    );
    this.seed =
      options.seed === undefined ? randomInt(0, 0x100000000) : validateSeed(options.seed, 'options.seed');
    if (options.timeoutMs !== undefined) {
      const t = options.timeoutMs;
      if (typeof t !== 'number' || !(t > 0) || t > 2 ** 31 - 1) {
        throw new RangeError(
          `options.timeoutMs must be a number of ms in (0, 2147483647], got ${formatValue(t)}`,
        );
      }
    }
    this.timeoutMs = options.timeoutMs;
    if (options.batchSampler !== undefined) {
      for (const key of ['batchSize', 'shuffle', 'sampler', 'dropLast'] as const) {
        if (options[key] !== undefined) {
          throw new TypeError(
            `options.batchSampler excludes options.${key} (the batch sampler decides batches)`,
          );
        }
      }
      if (typeof options.batchSampler?.[Symbol.iterator] !== 'function') {
        throw new TypeError('options.batchSampler must be an iterable of index arrays');
      }
    }
    if (options.sampler !== undefined) {
      if (options.shuffle)
        throw new TypeError('options.sampler excludes options.shuffle (the sampler decides the order)');
      if (typeof options.sampler?.[Symbol.iterator] !== 'function') {
        throw new TypeError('options.sampler must be an iterable of dataset indices');
      }
    }
    this.batchSize =
      options.batchSize === undefined ? 1 : checkCount(options.batchSize, 'options.batchSize', 1);

    const { dataset } = options;
    const parallel = this.numWorkers > 0;
    if (isModuleRef(dataset)) {
      this.#datasetRef = normaliseModuleRef(dataset, 'options.dataset');
    } else {
      this.#kind = datasetKind(dataset);
      this.#dataset = dataset as MapDataset | IterableDataset;
      const portable = portableRefOf(dataset);
      this.#datasetRef = portable ? normaliseModuleRef(portable, 'options.dataset') : null;
      if (parallel && !this.#datasetRef) {
        throw new TypeError(
          'options.dataset: a dataset instance cannot be sent to workers (numWorkers > 0); export its class or factory from a module and pass { module, export, args } so each worker builds its own, or use numWorkers: 0',
        );
      }
      this.#setLength();
    }

    const { collate } = options;
    if (collate === undefined) {
      this.#collate = defaultCollate as Collate;
      this.#collateRef = null;
    } else if (typeof collate === 'function') {
      if (parallel) {
        throw new TypeError(
          'options.collate: a function cannot be sent to workers (numWorkers > 0); export it from a module and pass { module, export }',
        );
      }
      this.#collate = collate as Collate;
      this.#collateRef = null;
    } else if (isModuleRef(collate)) {
      this.#collate = null;
      this.#collateRef = normaliseModuleRef(collate, 'options.collate');
    } else throw new TypeError('options.collate must be a function or a module reference { module, export }');

    const { workerInit } = options;
    if (workerInit === undefined) this.#workerInitRef = null;
    else if (typeof workerInit === 'function') {
      throw new TypeError(
        'options.workerInit: a function cannot be sent to workers; export it from a module and pass { module, export }',
      );
    } else if (isModuleRef(workerInit))
      this.#workerInitRef = normaliseModuleRef(workerInit, 'options.workerInit');
    else throw new TypeError('options.workerInit must be a module reference { module, export }');

    if (this.#kind === 'iterable') this.#checkIterableOptions();
  }

  /** Batches per epoch. Known once the dataset is (immediately for an instance; after ready() for a module reference). */
  get length(): number {
    if (this.#kind === null) {
      throw new Error(
        'loader.length is not known yet: the dataset is a module reference; await loader.ready() first',
      );
    }
    if (this.#kind === 'iterable') throw new TypeError('an iterable-style dataset has no length');
    const n = this.#batchSampler?.length;
    if (typeof n !== 'number') throw new TypeError('options.batchSampler has no length');
    return n;
  }

  /** The epoch the next iteration loads. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Sets the epoch the next iteration loads (it reseeds shuffling and augmentation streams). */
  setEpoch(epoch: number): void {
    this.#epoch = validateEpoch(epoch);
    this.#epochSet = true;
  }

  /** Resolves the dataset (building it from its module reference: in worker 0 when there are workers). */
  ready(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('this DataLoader is closed'));
    this.#readyPromise ??= this.#resolveDataset().catch(async (error: unknown) => {
      this.#readyPromise = null;
      // Workers started to build the dataset are of no use now; a retry starts fresh ones.
      await this.#releasePool(false);
      throw error;
    });
    return this.#readyPromise;
  }

  /** Stops the workers (persistent or not); later iterations fail. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#releasePool(false);
  }

  async #releasePool(graceful: boolean): Promise<void> {
    const pool = this.#pool;
    const shmDir = this.#shmDir;
    this.#pool = null;
    this.#shmDir = null;
    try {
      if (pool) await (graceful ? pool.close() : pool.terminate());
    } finally {
      removeShmDir(shmDir);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<B & { indices: Int32Array }, void, undefined> {
    if (this.#closed) throw new Error('this DataLoader is closed');
    if (this.#iterating) {
      throw new Error('this DataLoader is already being iterated: finish or break out of that loop first');
    }
    this.#iterating = true;
    const epoch = this.#epoch;
    this.#epochSet = false;
    let completed = false;
    try {
      await this.ready();
      const source = this.numWorkers === 0 ? this.#iterateInline(epoch) : this.#iterateWorkers(epoch);
      for await (const batch of source) {
        yield batch as B & { indices: Int32Array };
        if (this.#closed) return;
      }
      completed = true;
    } finally {
      this.#iterating = false;
      if (!this.#epochSet) this.#epoch = epoch + 1;
      if (!this.persistentWorkers || this.#closed) {
        // After a complete epoch nothing is in flight; after a break or an error, in-flight batches are dropped.
        await this.#releasePool(completed);
      }
    }
  }

  #checkIterableOptions(): void {
    for (const key of ['shuffle', 'sampler', 'batchSampler'] as const) {
      if (this.#options[key]) {
        throw new TypeError(
          `options.${key} does not apply to an iterable-style dataset (it decides its own order)`,
        );
      }
    }
  }

  #setLength(): void {
    if (this.#kind !== 'map') return;
    const length = (this.#dataset as MapDataset | null)?.length ?? this.#datasetLength;
    this.#datasetLength = length;
    const o = this.#options;
    if (o.batchSampler) this.#batchSampler = o.batchSampler;
    else {
      const n = length ?? 0;
      const sampler =
        o.sampler ?? (o.shuffle ? new RandomSampler(n, { seed: this.seed }) : new SequentialSampler(n));
      this.#batchSampler = new BatchSampler(sampler, this.batchSize, this.dropLast);
    }
  }

  async #resolveDataset(): Promise<void> {
    if (this.#kind !== null) return;
    const ref = this.#datasetRef!;
    if (this.numWorkers === 0) {
      const dataset = await constructFromRef(ref, 'options.dataset');
      this.#kind = datasetKind(dataset, 'options.dataset (built from its module reference)');
      this.#dataset = dataset as MapDataset | IterableDataset;
    } else {
      const reply = await this.#acquirePool().run<InitReply>('init', this.#initTask(0, this.#epoch), {
        worker: 0,
      });
      this.#kind = reply.kind;
      this.#datasetLength = reply.length;
    }
    if (this.#kind === 'iterable') this.#checkIterableOptions();
    this.#setLength();
  }

  #acquirePool(): Pool {
    if (this.#closed) throw new Error('this DataLoader is closed');
    if (!this.#pool && this.runtime === 'process') {
      this.#shmDir = createShmDir();
      this.#spareFiles = new SpareBatchFiles();
    }
    this.#pool ??= createPool({
      module: builtFileUrl('worker', import.meta.url),
      runtime: this.runtime,
      size: this.numWorkers,
      hideGpus: true,
      persistent: true,
      // The loader keeps its own count, per worker and per epoch (maxRestartsPerEpoch): the pool replaces
      // every worker that dies, however often over the loader's life.
      maxRestarts: Number.MAX_SAFE_INTEGER,
      name: 'rocm-patch-loader',
    });
    return this.#pool;
  }

  #initTask(workerId: number, epoch: number): InitTask {
    return {
      key: this.#key,
      dataset: this.#datasetRef!,
      collate: this.#collateRef,
      workerInit: this.#workerInitRef,
      workerId,
      numWorkers: this.numWorkers,
      seed: this.seed,
      epoch,
      batchSize: this.batchSize,
      dropLast: this.dropLast,
      shmDir: this.#shmDir,
    };
  }

  #batches(epoch: number): Iterator<readonly number[]> {
    const bs = this.#batchSampler!;
    bs.setEpoch?.(epoch);
    const n = this.#datasetLength!;
    const it = bs[Symbol.iterator]();
    let batchIndex = 0;
    return {
      next: () => {
        const step = it.next();
        if (!step.done) {
          const batch = step.value;
          if (!batch || typeof batch.length !== 'number' || batch.length === 0) {
            throw new TypeError(
              `the batch sampler gave batch ${batchIndex} that is not a non-empty array of indices`,
            );
          }
          for (const index of batch) {
            if (!Number.isInteger(index) || index < 0 || index >= n) {
              throw new RangeError(
                `the sampler gave index ${String(index)} in batch ${batchIndex}, outside the dataset [0, ${n})`,
              );
            }
          }
          batchIndex++;
        }
        return step;
      },
    };
  }

  async *#iterateInline(epoch: number): AsyncGenerator<object> {
    const collate = this.#collate!;
    const dataset = this.#dataset!;
    dataset.setEpoch?.(epoch);
    const ctx = { seed: this.seed, epoch, workerId: null };
    if (this.#kind === 'iterable') {
      const batcher = new IterableBatcher(dataset as IterableDataset, collate, this.batchSize, this.dropLast);
      try {
        for (let batchIndex = 0; ; batchIndex++) {
          const result = await this.#withTimeout(batcher.next(), batchIndex);
          if (result === null) return;
          yield unwrap(result, null, batchIndex, epoch);
        }
      } finally {
        await batcher.return();
      }
    }
    const batches = this.#batches(epoch);
    for (let batchIndex = 0; ; batchIndex++) {
      const step = batches.next();
      if (step.done) return;
      const indices = Int32Array.from(step.value);
      const result = await this.#withTimeout(
        fetchBatch(dataset as MapDataset, collate, indices, ctx),
        batchIndex,
      );
      yield unwrap(result, null, batchIndex, epoch);
    }
  }

  /** numWorkers 0: bounds an asynchronous batch (a synchronous getItem cannot be interrupted in its own thread). */
  async #withTimeout<T>(promise: Promise<T>, batchIndex: number): Promise<T> {
    const timeoutMs = this.timeoutMs;
    if (timeoutMs === undefined) return promise;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new BatchTimeoutError({ batchIndex, workerId: null, timeoutMs })),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async *#iterateWorkers(epoch: number): AsyncGenerator<object> {
    const pool = this.#acquirePool();
    const budget = new RestartBudget(this.maxRestartsPerEpoch, epoch);
    // Every worker builds its dataset (again only if it is new, e.g. a replacement), then learns the
    // epoch; a worker that dies meanwhile is replaced and prepared again, within its restart budget.
    await Promise.all(
      Array.from({ length: this.numWorkers }, async (_, w) => {
        for (;;) {
          try {
            await pool.run('init', this.#initTask(w, epoch), { worker: w });
            await pool.run('epoch', { key: this.#key, epoch, seed: this.seed }, { worker: w });
            return;
          } catch (error) {
            if (!(error instanceof WorkerCrashError) || error.duringLoad) throw error;
            const exhausted = budget.record(w, 'its dataset', error);
            if (exhausted) throw exhausted;
          }
        }
      }),
    );
    if (this.#kind === 'iterable') yield* this.#iterateIterableWorkers(pool, epoch);
    else yield* this.#iterateMapWorkers(pool, epoch, budget);
  }

  async *#iterateMapWorkers(pool: Pool, epoch: number, budget: RestartBudget): AsyncGenerator<object> {
    yield* untilEnded((ended) => this.#mapWorkerBatches(pool, epoch, ended, budget));
  }

  async *#mapWorkerBatches(
    pool: Pool,
    epoch: number,
    ended: AbortSignal,
    budget: RestartBudget,
  ): AsyncGenerator<object> {
    const batches = this.#batches(epoch);
    const maxInFlight = this.prefetchFactor * this.numWorkers;
    const load = new Array<number>(this.numWorkers).fill(0);
    const done = new Map<number, Settled<object>>();
    let wake: (() => void) | null = null;
    let dispatched = 0;
    let nextToYield = 0;
    let outstanding = 0; // dispatched and not yet yielded: bounds the reorder buffer too
    let exhausted = false;
    while (true) {
      while (!exhausted && outstanding < maxInFlight) {
        const step = batches.next();
        if (step.done) {
          exhausted = true;
          break;
        }
        const batchIndex = dispatched++;
        outstanding++;
        const worker = load.indexOf(Math.min(...load));
        load[worker]! += 1;
        this.#runBatch(pool, worker, batchIndex, Int32Array.from(step.value), epoch, ended, budget)
          .then(
            (value) => done.set(batchIndex, { ok: true, value }),
            (error: unknown) => done.set(batchIndex, { ok: false, error }),
          )
          .finally(() => {
            load[worker]! -= 1;
            wake?.();
            wake = null;
          });
      }
      const key = this.inOrder ? (done.has(nextToYield) ? nextToYield : undefined) : done.keys().next().value;
      if (key !== undefined) {
        const settled = done.get(key)!;
        done.delete(key);
        outstanding--;
        if (this.inOrder) nextToYield++;
        if (!settled.ok) throw settled.error;
        yield settled.value!;
        continue;
      }
      if (exhausted && outstanding === 0) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }

  /**
   * Runs one batch on `worker`; a batch whose worker died is sent again (to its replacement), so none is
   * lost or doubled, while the worker's restart budget for the epoch lasts. Once `ended` fires the batch is
   * not wanted: it is withdrawn if not started, and a batch file that still arrives is deleted unread.
   */
  async #runBatch(
    pool: Pool,
    worker: number,
    batchIndex: number,
    indices: Int32Array,
    epoch: number,
    ended: AbortSignal,
    budget: RestartBudget,
  ): Promise<object> {
    const spare = this.#spareFiles;
    while (true) {
      let reply: BatchReply;
      let spareFiles = spare.take(worker);
      try {
        reply = await pool.run<BatchReply>(
          'batch',
          { key: this.#key, epoch, batchIndex, indices, spareFiles },
          this.timeoutMs === undefined
            ? { worker, withdraw: ended }
            : { worker, withdraw: ended, timeoutMs: this.timeoutMs },
        );
        if (reply.kind === 'needInit') {
          discardFiles(spareFiles); // a fresh worker that did not take them
          spareFiles = [];
          if (ended.aborted) throw ended.reason;
          // A replacement worker: build its dataset, then send the batch again.
          await pool.run('init', this.#initTask(worker, epoch), { worker });
          continue;
        }
      } catch (error) {
        discardFiles(spareFiles); // the task never ran or its worker died: the files it carried have no owner now
        if (ended.aborted) throw error;
        if (error instanceof TaskTimeoutError) {
          throw new BatchTimeoutError({
            batchIndex,
            workerId: worker,
            timeoutMs: this.timeoutMs!,
            cause: error,
          });
        }
        if (error instanceof WorkerCrashError && !error.duringLoad) {
          const exhausted = budget.record(
            worker,
            `batch ${batchIndex} [dataset indices ${listIndices(indices)}]`,
            error,
          );
          if (exhausted) throw exhausted;
          continue;
        }
        throw error;
      }
      if (reply.kind === 'batch' && reply.file && ended.aborted) {
        await discardFile(reply.file);
        throw ended.reason;
      }
      if (reply.kind === 'error')
        throw new SampleError(reply.failure, { workerId: worker, batchIndex, epoch });
      if (reply.kind === 'batch') {
        if (!reply.file) return reply.batch;
        const batch = await unpackFromFile(reply.batch, reply.file, reply.bytes!, true);
        spare.giveBack(worker, reply.file);
        return batch;
      }
      throw new Error(
        `unexpected reply from loader worker ${worker}: ${String((reply as { kind?: unknown }).kind)}`,
      );
    }
  }

  async *#iterateIterableWorkers(pool: Pool, epoch: number): AsyncGenerator<object> {
    yield* untilEnded((ended) => this.#iterableWorkerBatches(pool, epoch, ended));
  }

  async *#iterableWorkerBatches(pool: Pool, epoch: number, ended: AbortSignal): AsyncGenerator<object> {
    const n = this.numWorkers;
    const queues: Promise<{ worker: number; settled: Settled<FetchResultOrDone> }>[][] = Array.from(
      { length: n },
      () => [],
    );
    const active = new Set<number>(Array.from({ length: n }, (_, w) => w));
    const spare = this.#spareFiles;
    const request = (worker: number) => {
      const spareFiles = spare.take(worker);
      return (
        pool
          .run<BatchReply>(
            'next',
            { key: this.#key, epoch, spareFiles },
            this.timeoutMs === undefined
              ? { worker, withdraw: ended }
              : { worker, withdraw: ended, timeoutMs: this.timeoutMs },
          )
          .catch((error: unknown) => {
            discardFiles(spareFiles); // the request never ran or its worker died: the files have no owner now
            throw error;
          })
          // Take a shared-memory batch file over as soon as it arrives (or delete it unread once the epoch
          // has ended), so none is left behind if this batch is never consumed.
          .then(async (value): Promise<BatchReply> => {
            if (value.kind === 'needInit') discardFiles(spareFiles);
            if (value.kind !== 'batch' || !value.file) return value;
            if (ended.aborted) {
              await discardFile(value.file);
              throw ended.reason;
            }
            const batch = await unpackFromFile(value.batch, value.file, value.bytes!, true);
            spare.giveBack(worker, value.file);
            return { kind: 'batch', batch };
          })
          .then(
            (value) => ({ worker, settled: { ok: true, value } }),
            (error: unknown) => ({ worker, settled: { ok: false, error } }),
          )
      );
    };
    let batchIndex = 0;
    let turn = 0;
    while (active.size > 0) {
      for (const w of active) while (queues[w]!.length < this.prefetchFactor) queues[w]!.push(request(w));
      let worker: number;
      if (this.inOrder) {
        while (!active.has(turn % n)) turn++;
        worker = turn % n;
        turn++;
      } else {
        worker = (await Promise.race([...active].map((w) => queues[w]![0]!))).worker;
      }
      const { settled } = await queues[worker]!.shift()!;
      if (!settled.ok) {
        const error = settled.error;
        if (error instanceof TaskTimeoutError) {
          throw new BatchTimeoutError({
            batchIndex,
            workerId: worker,
            timeoutMs: this.timeoutMs!,
            cause: error,
          });
        }
        if (error instanceof WorkerCrashError) {
          throw new Error(
            `loader worker ${worker} died while iterating an iterable-style dataset (its position in the stream is lost, so the epoch cannot be completed exactly once): ${error.message}`,
            { cause: error },
          );
        }
        throw error;
      }
      const reply = settled.value!;
      if (reply.kind === 'needInit') {
        throw new Error(
          `loader worker ${worker} lost its dataset mid-epoch (it was replaced); an iterable-style epoch cannot resume`,
        );
      }
      if (reply.kind === 'done') {
        active.delete(worker);
        queues[worker] = [];
        continue;
      }
      if (reply.kind === 'error')
        throw new SampleError(reply.failure, { workerId: worker, batchIndex, epoch });
      if (reply.kind === 'batch') {
        batchIndex++;
        yield reply.batch;
      }
    }
  }
}

type FetchResultOrDone = BatchReply;

/**
 * Runs one epoch's batches with a signal that fires when the iteration ends, normally or not (break,
 * throw): prefetched batches no worker has started are then withdrawn, so the workers are free at once
 * for the next epoch.
 */
async function* untilEnded(batches: (ended: AbortSignal) => AsyncGenerator<object>): AsyncGenerator<object> {
  const ended = new AbortController();
  setMaxListeners(0, ended.signal); // one listener per batch in flight: prefetchFactor × numWorkers may pass 10
  try {
    yield* batches(ended.signal);
  } finally {
    ended.abort(new Error('the epoch this batch was loaded for has ended'));
  }
}

function unwrap(result: FetchResult, workerId: number | null, batchIndex: number, epoch: number): object {
  if (!result.ok) throw new SampleError(result.failure, { workerId, batchIndex, epoch });
  return result.batch;
}

/** The first indices of a batch, for messages (a batch may hold thousands). */
function listIndices(indices: Int32Array): string {
  const shown = Array.from(indices.subarray(0, 8)).join(', ');
  return indices.length > 8 ? `${shown}, … ${indices.length} in all` : shown;
}

function checkBool(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${formatValue(value)}`);
  return value;
}
