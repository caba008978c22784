/**
 * Seeded randomness. Every random choice the loader makes (shuffles, per-sample augmentation streams)
 * comes from these functions, so the same seed gives the same numbers on every machine and runtime.
 */
import { formatValue } from '@rocm-patch/env';

/** Checks that `seed` is an integer in [0, 2^32) and returns it; `name` is the argument named in errors. */
export function validateSeed(seed: unknown, name = 'seed'): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`${name} must be an integer in [0, 2^32), got ${formatValue(seed)}`);
  }
  return seed;
}

/** A well-mixed 32-bit hash of integer parts (murmur3's finaliser chained over the parts). */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    // Fold in both 32-bit halves so indices or epochs beyond 2^32 still change the hash.
    for (const word of [part >>> 0, Math.floor(part / 0x100000000) >>> 0]) {
      h = Math.imul(h ^ word, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

/** The seed of one sample's random stream: a function of (base seed, epoch, index) only, never of the worker. */
export function sampleSeed(seed: number, epoch: number, index: number): number {
  return mixSeed(seed, epoch, index);
}

/** A small, fast, seedable generator (mulberry32); not for cryptography. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = validateSeed(seed);
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x100000000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** A float in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** A standard normal sample (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles `array` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

/** A permutation of 0..n-1 determined by `seed`. */
export function permutation(n: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return new Rng(seed).shuffle(out);
}
