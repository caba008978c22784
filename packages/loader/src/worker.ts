/**
 * The task module DataLoader workers load (through @rocm-patch/mp's bootstrap). Each worker builds its
 * own dataset from the module reference it is sent, then serves batches: map-style batches by index list
 * (any worker can serve any batch, so a dead worker's batches can be sent again), iterable-style batches
 * from its own iterator. Results move to the main thread without a copy (thread workers).
 */
import { withTransfer } from '@rocm-patch/mp';
import { BatchArena } from './batch-arena.js';
import { type Batch, collateWith, defaultCollate, transferList } from './collate.js';
import type { MapDataset } from './dataset.js';
import { toFailure } from './errors.js';
import { type Collate, type FetchResult, fetchBatch, IterableBatcher } from './fetch.js';
import { constructFromRef, functionFromRef } from './load-ref.js';
import type { BatchReply, BatchTask, EpochTask, InitReply, InitTask, NextTask } from './protocol.js';
import { isPlainObject, keepSpareFiles, packToFile } from './shm.js';
import { setWorkerInfo } from './worker-info.js';

interface State {
  config: InitTask;
  dataset: unknown;
  kind: 'map' | 'iterable';
  collate: Collate;
  epoch: number;
  /** Iterable datasets: this epoch's batcher, and a chain that serialises requests for it. */
  batcher: { epoch: number; batcher: IterableBatcher } | null;
  chain: Promise<unknown>;
  /** Process workers: read batch files this worker may overwrite. */
  spareFiles: string[];
}

const states = new Map<string, Promise<State>>();

async function build(config: InitTask): Promise<State> {
  setWorkerInfo({
    id: config.workerId,
    numWorkers: config.numWorkers,
    seed: (config.seed + config.workerId) >>> 0,
    baseSeed: config.seed,
    epoch: config.epoch,
  });
  const dataset = await constructFromRef(config.dataset, 'options.dataset');
  const d = dataset as Partial<MapDataset> & object;
  let kind: 'map' | 'iterable';
  if (typeof d?.getItem === 'function' && typeof d.length === 'number') kind = 'map';
  else if (d && (Symbol.asyncIterator in d || Symbol.iterator in d)) kind = 'iterable';
  else
    throw new TypeError(
      'options.dataset: the module reference did not produce a map-style or iterable dataset',
    );
  const collate = config.collate
    ? await functionFromRef<Collate>(config.collate, 'options.collate')
    : config.shmDir
      ? arenaCollate(new BatchArena())
      : (defaultCollate as Collate);
  if (config.workerInit) {
    const init = await functionFromRef<(id: number) => unknown>(config.workerInit, 'options.workerInit');
    await init(config.workerId);
  }
  d.setEpoch?.(config.epoch);
  return {
    config,
    dataset,
    kind,
    collate,
    epoch: config.epoch,
    batcher: null,
    chain: Promise.resolve(),
    spareFiles: [],
  };
}

/**
 * The default collate into memory reused batch after batch: a process worker's batch is copied into its
 * shared-memory file right after collation (reply), and a worker runs one task at a time, so the previous
 * batch is dead when the next one is collated.
 */
function arenaCollate(arena: BatchArena): Collate {
  return (items, indices) => {
    arena.reset();
    return collateWith(arena.allocate, items, indices);
  };
}

/** Builds this loader's state in this worker (once; later calls return the same answer). */
export async function init(config: InitTask): Promise<InitReply> {
  let state = states.get(config.key);
  if (!state) {
    state = build(config);
    states.set(config.key, state);
    // A failed build is reported once and forgotten, so a corrected retry can build again.
    state.catch(() => states.delete(config.key));
  }
  const s = await state;
  return {
    kind: s.kind,
    length: s.kind === 'map' ? (s.dataset as MapDataset).length : null,
  };
}

/** A new epoch: seeds and epoch for workerInfo(), and the dataset's own setEpoch hook. */
export async function epoch(task: EpochTask): Promise<boolean> {
  const state = states.get(task.key);
  if (!state) return false;
  const s = await state;
  setEpoch(s, task.epoch, task.seed);
  return true;
}

function setEpoch(s: State, epochNumber: number, seed: number): void {
  if (s.epoch === epochNumber && s.config.seed === seed) return;
  s.epoch = epochNumber;
  s.config = { ...s.config, seed, epoch: epochNumber };
  setWorkerInfo({
    id: s.config.workerId,
    numWorkers: s.config.numWorkers,
    seed: (seed + s.config.workerId) >>> 0,
    baseSeed: seed,
    epoch: epochNumber,
  });
  (s.dataset as Partial<MapDataset>).setEpoch?.(epochNumber);
}

function reply(
  s: State,
  result: FetchResult | null,
): BatchReply | ReturnType<typeof withTransfer<BatchReply>> {
  if (result === null) return { kind: 'done' };
  if (!result.ok) return { kind: 'error', failure: result.failure };
  if (s.config.shmDir) {
    const packed = packToFile(result.batch, s.config.shmDir, s.spareFiles);
    if (packed) return { kind: 'batch', batch: packed.batch, file: packed.file, bytes: packed.bytes };
    // Small, or /dev/shm is full: the batch goes through IPC, which would send each array's whole
    // buffer (the arena, for the default collate), so arrays that view part of a buffer are copied out.
    return { kind: 'batch', batch: compactViews(result.batch) as Batch } satisfies BatchReply;
  }
  const detached = detachedField(result.batch, '');
  if (detached !== null) {
    // Moving it again would lose the message (@rocm-patch/mp refuses it too); say what happened instead.
    const error = new TypeError(
      `the batch's field '${detached}' is an array whose memory was already moved to the main thread with an earlier batch: thread workers transfer a batch's buffers, so a collate that returns the dataset's own arrays (e.g. items[0].x) hands them over once — return copies (x.slice()) or new arrays`,
    );
    return { kind: 'error', failure: toFailure(error, null, result.batch.indices) };
  }
  const out: BatchReply = { kind: 'batch', batch: result.batch as Batch };
  return withTransfer(out, transferList(result.batch));
}

/** The path of the first typed array in `value` whose buffer is detached (see isDetached), or null. */
function detachedField(value: unknown, path: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  if (ArrayBuffer.isView(value)) return isDetached(value.buffer) ? path : null;
  for (const [key, child] of Object.entries(value)) {
    const found = detachedField(child, path ? `${path}.${key}` : key);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Whether a buffer was moved away by an earlier transfer: only such a buffer reads byteLength 0 and
 * refuses to be viewed (ArrayBuffer.prototype.detached is newer than Node 20).
 */
function isDetached(buffer: ArrayBufferLike): boolean {
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** One map-style batch. */
export async function batch(task: BatchTask): Promise<unknown> {
  const state = states.get(task.key);
  if (!state) return { kind: 'needInit' } satisfies BatchReply;
  const s = await state;
  if (s.config.shmDir) keepSpareFiles(s.spareFiles, task.spareFiles, s.config.shmDir);
  if (s.epoch !== task.epoch) setEpoch(s, task.epoch, s.config.seed);
  const result = await fetchBatch(s.dataset as MapDataset, s.collate, task.indices, {
    seed: s.config.seed,
    epoch: task.epoch,
    workerId: s.config.workerId,
  });
  return reply(s, result);
}

/** The next batch of this worker's iterator for the epoch (requests are served one after another). */
export async function next(task: NextTask): Promise<unknown> {
  const state = states.get(task.key);
  if (!state) return { kind: 'needInit' } satisfies BatchReply;
  const s = await state;
  if (s.config.shmDir) keepSpareFiles(s.spareFiles, task.spareFiles, s.config.shmDir);
  const run = s.chain.then(async () => {
    if (s.epoch !== task.epoch) setEpoch(s, task.epoch, s.config.seed);
    if (s.batcher?.epoch !== task.epoch) {
      await s.batcher?.batcher.return();
      s.batcher = {
        epoch: task.epoch,
        batcher: new IterableBatcher(
          s.dataset as Iterable<unknown>,
          s.collate,
          s.config.batchSize,
          s.config.dropLast,
        ),
      };
    }
    return reply(s, await s.batcher.batcher.next());
  });
  s.chain = run.catch(() => undefined);
  return run;
}

const typedArraySlice = Object.getPrototypeOf(Uint8Array.prototype).slice as (this: unknown) => unknown;

/** The batch with every typed array that views only part of its buffer replaced by a copy of its own. */
function compactViews(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (ArrayBuffer.isView(value)) {
    const whole = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength;
    // %TypedArray%.prototype.slice copies, also for a Node Buffer (whose own slice() is a view).
    return whole || value instanceof DataView ? value : typedArraySlice.call(value);
  }
  if (Array.isArray(value)) return value.map(compactViews);
  // A Date, Map, RegExp… of a custom collate's batch crosses by structured clone as it is: rebuilding it
  // from its own fields would turn it into {}.
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compactViews(v)]));
}
