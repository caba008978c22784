/**
 * Loading one batch: getItem for each index (one at a time, so a worker's parallelism is the loader's,
 * not the dataset's), then collate. Shared by the main process (numWorkers 0) and the workers, so both
 * paths compute exactly the same values.
 */
import { describe } from './collate.js';
import type { MapDataset } from './dataset.js';
import { type SampleFailure, toFailure } from './errors.js';
import { Rng, sampleSeed } from './rng.js';

export type Collate = (items: unknown[], indices: Int32Array) => unknown;

export type FetchResult =
  | { ok: true; batch: Record<string, unknown> & { indices: Int32Array } }
  | { ok: false; failure: SampleFailure };

export interface FetchContext {
  seed: number;
  epoch: number;
  workerId: number | null;
}

export async function fetchBatch(
  dataset: MapDataset,
  collate: Collate,
  indices: Int32Array,
  ctx: FetchContext,
): Promise<FetchResult> {
  const items: unknown[] = [];
  for (const index of indices) {
    try {
      const rng = new Rng(sampleSeed(ctx.seed, ctx.epoch, index));
      items.push(
        await dataset.getItem(index, { rng, epoch: ctx.epoch, seed: ctx.seed, workerId: ctx.workerId }),
      );
    } catch (error) {
      return { ok: false, failure: toFailure(error, index, indices) };
    }
  }
  return collateItems(collate, items, indices);
}

/**
 * Collates a batch. A collate that returns a promise (an async function) is awaited, the same in the main
 * process and in thread and process workers; only then is the batch checked.
 */
export function collateItems(
  collate: Collate,
  items: unknown[],
  indices: Int32Array,
): FetchResult | Promise<FetchResult> {
  let batch: unknown;
  try {
    batch = collate(items, indices);
  } catch (error) {
    return { ok: false, failure: toFailure(error, null, indices) };
  }
  if (batch instanceof Promise) {
    return batch.then(
      (value) => checkBatch(value, indices),
      (error: unknown) => ({ ok: false, failure: toFailure(error, null, indices) }),
    );
  }
  return checkBatch(batch, indices);
}

function checkBatch(batch: unknown, indices: Int32Array): FetchResult {
  const proto = typeof batch === 'object' && batch !== null ? Object.getPrototypeOf(batch) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    const error = new TypeError(
      `collate must return a plain object of fields (the loader adds its 'indices'), got ${describe(batch)}`,
    );
    return { ok: false, failure: toFailure(error, null, indices) };
  }
  const out = batch as Record<string, unknown> & { indices: Int32Array };
  if (!(out.indices instanceof Int32Array)) out.indices = indices;
  return { ok: true, batch: out };
}

/**
 * Batches an iterable dataset's items. Indices count the items of this iteration (this worker's shard,
 * in the order the iterator produced them), since iterable items have no dataset index.
 */
export class IterableBatcher {
  readonly #iterator: AsyncIterator<unknown> | Iterator<unknown>;
  readonly #collate: Collate;
  readonly #batchSize: number;
  readonly #dropLast: boolean;
  #position = 0;
  #done = false;

  constructor(
    iterable: AsyncIterable<unknown> | Iterable<unknown>,
    collate: Collate,
    batchSize: number,
    dropLast: boolean,
  ) {
    this.#iterator =
      Symbol.asyncIterator in iterable
        ? (iterable as AsyncIterable<unknown>)[Symbol.asyncIterator]()
        : (iterable as Iterable<unknown>)[Symbol.iterator]();
    this.#collate = collate;
    this.#batchSize = batchSize;
    this.#dropLast = dropLast;
  }

  /** The next batch, or null when the iterator is exhausted. */
  async next(): Promise<FetchResult | null> {
    if (this.#done) return null;
    const items: unknown[] = [];
    const start = this.#position;
    while (items.length < this.#batchSize) {
      let step: IteratorResult<unknown>;
      try {
        step = await this.#iterator.next();
      } catch (error) {
        this.#done = true;
        return { ok: false, failure: toFailure(error, this.#position, [this.#position]) };
      }
      if (step.done) {
        this.#done = true;
        break;
      }
      items.push(step.value);
      this.#position++;
    }
    if (items.length === 0 || (this.#dropLast && items.length < this.#batchSize)) return null;
    const indices = new Int32Array(items.length);
    for (let i = 0; i < items.length; i++) indices[i] = start + i;
    return collateItems(this.#collate, items, indices);
  }

  async return(): Promise<void> {
    this.#done = true;
    await this.#iterator.return?.();
  }
}
