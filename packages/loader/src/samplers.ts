import { checkOptionKeys, formatValue } from '@rocm-patch/env';
import { mixSeed, permutation, validateSeed } from './rng.js';

/** A sampler is an iterable of dataset indices; samplers that reshuffle per epoch also have setEpoch. */
export interface Sampler extends Iterable<number> {
  readonly length?: number;
  setEpoch?(epoch: number): void;
}

/** A batch sampler is an iterable of index lists, one per batch. */
export interface BatchSamplerLike extends Iterable<readonly number[]> {
  readonly length?: number;
  setEpoch?(epoch: number): void;
}

function lengthOf(source: number | { length: number }, name: string): number {
  const n = typeof source === 'number' ? source : source?.length;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new RangeError(
      `${name} must be a non-negative integer length (or have one), got ${formatValue(n)}`,
    );
  }
  return n;
}

export function validateEpoch(epoch: unknown, name = 'epoch'): number {
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${formatValue(epoch)}`);
  }
  return epoch;
}

/** 0, 1, …, length-1. */
export class SequentialSampler implements Sampler {
  readonly length: number;
  constructor(source: number | { length: number }) {
    this.length = lengthOf(source, 'source');
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.length; i++) yield i;
  }
}

/** A permutation of 0..length-1 derived from (seed, epoch): a new one every epoch, the same for the same pair. */
export class RandomSampler implements Sampler {
  readonly length: number;
  readonly seed: number;
  #epoch = 0;

  constructor(source: number | { length: number }, options: { seed?: number } = {}) {
    checkOptions('new RandomSampler', options, ['seed']);
    this.length = lengthOf(source, 'source');
    this.seed = validateSeed(options.seed ?? 0, 'options.seed');
  }

  setEpoch(epoch: number): void {
    this.#epoch = validateEpoch(epoch);
  }

  *[Symbol.iterator](): Iterator<number> {
    yield* permutation(this.length, mixSeed(this.seed, this.#epoch));
  }
}

export interface DistributedSamplerOptions {
  /** This process's rank; default: the RANK environment variable. */
  rank?: number;
  /** Number of processes; default: the WORLD_SIZE environment variable. */
  worldSize?: number;
  /** Shuffle by (seed, epoch) before partitioning (default true). Every rank must use the same seed. */
  shuffle?: boolean;
  /** Default 0, so that ranks agree without configuration. */
  seed?: number;
  /** Drop the tail so every rank gets the same count; otherwise pad by repeating from the start (default false). */
  dropLast?: boolean;
}

/**
 * One rank's share of the dataset: every rank gets the same number of indices (padded by wrapping around,
 * or the tail dropped), ranks interleave (rank r takes positions r, r + worldSize, …) so their shares are
 * disjoint and together cover the dataset.
 */
export class DistributedSampler implements Sampler {
  readonly rank: number;
  readonly worldSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly datasetLength: number;
  /** Indices this rank yields per epoch. */
  readonly length: number;
  readonly totalSize: number;
  #epoch = 0;

  constructor(source: number | { length: number }, options: DistributedSamplerOptions = {}) {
    checkOptions('new DistributedSampler', options, ['rank', 'worldSize', 'shuffle', 'seed', 'dropLast']);
    this.datasetLength = lengthOf(source, 'source');
    this.worldSize = options.worldSize ?? envInt('WORLD_SIZE', 'options.worldSize');
    this.rank = options.rank ?? envInt('RANK', 'options.rank');
    if (!Number.isInteger(this.worldSize) || this.worldSize < 1) {
      throw new RangeError(`options.worldSize must be a positive integer, got ${this.worldSize}`);
    }
    if (!Number.isInteger(this.rank) || this.rank < 0 || this.rank >= this.worldSize) {
      throw new RangeError(
        `options.rank must be an integer in [0, worldSize=${this.worldSize}), got ${this.rank}`,
      );
    }
    this.shuffle = options.shuffle ?? true;
    this.seed = validateSeed(options.seed ?? 0, 'options.seed');
    this.dropLast = options.dropLast ?? false;
    const n = this.datasetLength;
    this.length =
      this.dropLast && n % this.worldSize !== 0
        ? Math.floor(n / this.worldSize)
        : Math.ceil(n / this.worldSize);
    this.totalSize = this.length * this.worldSize;
  }

  setEpoch(epoch: number): void {
    this.#epoch = validateEpoch(epoch);
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.datasetLength;
    if (n === 0) return;
    const order = this.shuffle ? permutation(n, mixSeed(this.seed, this.#epoch)) : undefined;
    for (let k = this.rank; k < this.totalSize; k += this.worldSize) {
      const position = k % n; // k >= n only when padding: wrap around to the start
      yield order ? order[position]! : position;
    }
  }
}

function envInt(variable: string, option: string): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') {
    throw new RangeError(`${option} is required when the ${variable} environment variable is not set`);
  }
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new RangeError(`${variable}=${raw} is not an integer (for ${option})`);
  return n;
}

/** Groups a sampler's indices into batches of `batchSize`; the last, shorter batch is kept unless dropLast. */
export class BatchSampler implements BatchSamplerLike {
  readonly sampler: Iterable<number> & { length?: number; setEpoch?(epoch: number): void };
  readonly batchSize: number;
  readonly dropLast: boolean;

  constructor(sampler: Iterable<number> & { length?: number }, batchSize: number, dropLast = false) {
    if (sampler === null || typeof sampler !== 'object' || !(Symbol.iterator in sampler)) {
      throw new TypeError('sampler must be an iterable of indices');
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer, got ${formatValue(batchSize)}`);
    }
    this.sampler = sampler;
    this.batchSize = batchSize;
    this.dropLast = Boolean(dropLast);
  }

  /** Number of batches, when the sampler has a length. */
  get length(): number | undefined {
    const n = this.sampler.length;
    if (typeof n !== 'number') return undefined;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  setEpoch(epoch: number): void {
    this.sampler.setEpoch?.(epoch);
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const index of this.sampler) {
      batch.push(index);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}

function checkOptions(fn: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${fn}: options must be an object, got ${formatValue(options)}`);
  }
  checkOptionKeys(fn, 'options', options, known);
}
