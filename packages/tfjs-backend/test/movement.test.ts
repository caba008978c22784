// The movement kernels (Transpose, Slice, StridedSlice, Concat, Pack, Unpack, SplitV, Reverse, Tile, PadV2,
// MirrorPad, DepthToSpace, SpaceToBatchND, BatchToSpaceND, Diag) against tfjs-backend-cpu over seeded random
// shapes and arguments, in strict mode (every kernel must run on the device), plus property tests and the
// native argument checks.
import { rocmBackend, setStrict } from '../src/index.js';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callsSince, expectSameAsCpu, rng } from './helpers.js';

type DType = 'float32' | 'int32' | 'bool';
const DTYPES: DType[] = ['float32', 'int32', 'bool'];

/** Values for a tensor of `shape`: distinct floats, ints of both signs past 2^24, or 0/1. */
function valuesFor(shape: readonly number[], dtype: DType, seed: number): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = rng(seed);
  const v = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    if (dtype === 'float32') v[i] = Math.fround((r() - 0.5) * 200);
    else if (dtype === 'int32') v[i] = Math.floor((r() - 0.5) * 2 ** 27);
    else v[i] = r() < 0.5 ? 1 : 0;
  }
  return v;
}

function tensor(shape: readonly number[], dtype: DType, seed: number): tf.Tensor {
  return tf.tensor(valuesFor(shape, dtype, seed), [...shape], dtype);
}

/** A random shape of `rank` with dimensions in [lo, hi]. */
function randomShape(r: () => number, rank: number, lo = 1, hi = 4): number[] {
  return Array.from({ length: rank }, () => lo + Math.floor(r() * (hi - lo + 1)));
}

function randomPerm(r: () => number, rank: number): number[] {
  const p = Array.from({ length: rank }, (_, i) => i);
  for (let i = rank - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** Runs fn on 'rocm' in strict mode; returns shapes, dtypes and values. */
async function onRocm(fn: () => tf.Tensor | tf.Tensor[]) {
  await tf.setBackend('rocm');
  setStrict(true);
  try {
    const out = tf.tidy(fn);
    const list = Array.isArray(out) ? out : [out];
    const res = [];
    for (const t of list) {
      res.push({ shape: t.shape, dtype: t.dtype, values: Array.from((await t.data()) as ArrayLike<number>) });
      t.dispose();
    }
    return res;
  } finally {
    setStrict(false);
  }
}

/** The error message fn throws on a backend (or undefined). */
async function errorOn(backend: string, fn: () => unknown): Promise<string | undefined> {
  await tf.setBackend(backend);
  try {
    tf.tidy(() => {
      fn();
      return undefined;
    });
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

async function expectSameError(fn: () => unknown): Promise<void> {
  const expected = await errorOn('cpu', fn);
  expect(expected).toBeDefined();
  expect(await errorOn('rocm', fn)).toBe(expected);
}

describe('Transpose', () => {
  it('matches cpu over seeded random shapes and permutations (rank 0–6, every dtype)', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const rank = seed % 7;
      const shape = randomShape(r, rank);
      const perm = randomPerm(r, rank);
      const dtype = DTYPES[seed % 3]!;
      await expectSameAsCpu(() => tf.transpose(tensor(shape, dtype, seed), perm));
    }
  });

  it('shares the data when only size-1 dimensions move, and handles empty tensors', async () => {
    await expectSameAsCpu(() => [
      tf.transpose(tensor([1, 5, 1, 3], 'float32', 3), [2, 1, 0, 3]),
      tf.transpose(tf.zeros([0, 3, 2]), [2, 0, 1]),
      tf.transpose(tf.zeros([4, 0], 'int32')),
    ]);
  });

  it('property: transposing back with the inverse permutation gives x, and each element lands where cpu puts it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }).chain((rank) =>
          fc.tuple(
            fc.array(fc.integer({ min: 1, max: 5 }), { minLength: rank, maxLength: rank }),
            fc.shuffledSubarray(
              Array.from({ length: rank }, (_, i) => i),
              { minLength: rank, maxLength: rank },
            ),
          ),
        ),
        fc.integer({ min: 1, max: 1000 }),
        async ([shape, perm], seed) => {
          const inverse = perm.map((_, i) => perm.indexOf(i));
          const x = valuesFor(shape, 'float32', seed);
          const [back] = await onRocm(() => tf.transpose(tf.transpose(tf.tensor(x, shape), perm), inverse));
          expect(back!.shape).toEqual(shape);
          expect(back!.values).toEqual(x);
          await expectSameAsCpu(() => tf.transpose(tf.tensor(x, shape), perm));
        },
      ),
      { numRuns: 30, seed: 42 },
    );
  });
});
