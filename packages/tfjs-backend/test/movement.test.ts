// The movement kernels (Transpose, Slice, StridedSlice, Concat, Pack, Unpack, SplitV, Reverse, Tile, PadV2,
// MirrorPad, DepthToSpace, SpaceToBatchND, BatchToSpaceND, Diag) against tfjs-backend-cpu over seeded random
// shapes and arguments, in strict mode (every kernel must run on the device), plus property tests and the
// native argument checks.

import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rocmBackend, setStrict } from '../src/index.js';
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

// ---- StridedSlice: an independent reference with Python/NumPy basic-indexing semantics ---------------

interface SliceSpec {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

/** What each output dimension reads: an input dimension stepped from `start`, or a new axis. */
type Selection =
  | { kind: 'range'; dim: number; start: number; step: number; length: number }
  | { kind: 'index'; dim: number; index: number }
  | { kind: 'new' };

/** x[spec] as NumPy/TF define it (masks as None, an implicit trailing ellipsis). */
function referenceStridedSlice(shape: number[], values: number[], s: SliceSpec) {
  const entries = s.begin.length;
  const bit = (mask: number, i: number) => (mask & (1 << i)) !== 0;
  const consuming = Array.from({ length: entries }, (_, i) => i).filter(
    (i) => !bit(s.ellipsisMask, i) && !bit(s.newAxisMask, i),
  ).length;
  const sel: Selection[] = [];
  let dim = 0;
  const full = () => {
    sel.push({ kind: 'range', dim, start: 0, step: 1, length: shape[dim]! });
    dim++;
  };
  let sawEllipsis = false;
  for (let i = 0; i < entries; i++) {
    if (bit(s.ellipsisMask, i)) {
      sawEllipsis = true;
      for (let k = 0; k < shape.length - consuming; k++) full();
    } else if (bit(s.newAxisMask, i)) {
      sel.push({ kind: 'new' });
    } else {
      const n = shape[dim]!;
      if (bit(s.shrinkAxisMask, i)) {
        const index = s.begin[i]! < 0 ? s.begin[i]! + n : s.begin[i]!;
        sel.push({ kind: 'index', dim, index });
      } else {
        const step = s.strides[i]!;
        const norm = (v: number) => (v < 0 ? v + n : v);
        const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
        let start: number;
        let stop: number;
        if (step > 0) {
          start = bit(s.beginMask, i) ? 0 : clamp(norm(s.begin[i]!), 0, n);
          stop = bit(s.endMask, i) ? n : clamp(norm(s.end[i]!), 0, n);
        } else {
          start = bit(s.beginMask, i) ? n - 1 : clamp(norm(s.begin[i]!), -1, n - 1);
          stop = bit(s.endMask, i) ? -1 : clamp(norm(s.end[i]!), -1, n - 1);
        }
        const length = Math.max(0, Math.ceil((stop - start) / step));
        sel.push({ kind: 'range', dim, start, step, length });
      }
      dim++;
    }
  }
  if (!sawEllipsis) while (dim < shape.length) full();
  const outShape = sel.flatMap((x) => (x.kind === 'index' ? [] : [x.kind === 'new' ? 1 : x.length]));
  const xStrides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const ranges = sel.filter((x) => x.kind !== 'new');
  const out: number[] = [];
  const walk = (k: number, offset: number) => {
    if (k === ranges.length) {
      out.push(values[offset]!);
      return;
    }
    const r = ranges[k]!;
    if (r.kind === 'index') walk(k + 1, offset + r.index * xStrides[r.dim]!);
    else if (r.kind === 'range')
      for (let j = 0; j < r.length; j++) walk(k + 1, offset + (r.start + j * r.step) * xStrides[r.dim]!);
  };
  if (outShape.every((d) => d > 0)) walk(0, 0);
  return { shape: outShape, values: out };
}

/** A random valid spec for `shape`: ranges with any stride and out-of-range bounds, masks, at most one
 * ellipsis, new axes and shrunk axes (indices in range). */
function randomSliceSpec(r: () => number, shape: number[]): SliceSpec {
  const rank = shape.length;
  const consuming = Math.floor(r() * (rank + 1));
  type Kind = 'axis' | 'new' | 'ellipsis';
  const kinds: Kind[] = new Array<Kind>(consuming).fill('axis');
  const insert = (k: Kind) => kinds.splice(Math.floor(r() * (kinds.length + 1)), 0, k);
  if (r() < 0.4) insert('ellipsis');
  const newAxes = Math.floor(r() * 3);
  for (let k = 0; k < newAxes; k++) insert('new');
  const spec: SliceSpec = {
    begin: [],
    end: [],
    strides: [],
    beginMask: 0,
    endMask: 0,
    ellipsisMask: 0,
    newAxisMask: 0,
    shrinkAxisMask: 0,
  };
  // The input dimension of each consuming entry: those after an ellipsis are counted from the end.
  const ellipsisAt = kinds.indexOf('ellipsis');
  const after = ellipsisAt < 0 ? 0 : kinds.slice(ellipsisAt).filter((k) => k === 'axis').length;
  let dim = 0;
  kinds.forEach((kind, i) => {
    const rand = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    spec.begin.push(rand(-6, 6));
    spec.end.push(rand(-6, 6));
    spec.strides.push(pick(r, [1, 1, 2, 3, -1, -2]));
    if (kind === 'ellipsis') {
      spec.ellipsisMask |= 1 << i;
      dim = rank - after;
    } else if (kind === 'new') {
      spec.newAxisMask |= 1 << i;
    } else {
      const n = shape[dim]!;
      if (n > 0 && r() < 0.25) {
        spec.shrinkAxisMask |= 1 << i;
        spec.begin[i] = rand(-n, n - 1);
        spec.strides[i] = 1;
      } else {
        const span = n + 2;
        spec.begin[i] = rand(-span, span);
        spec.end[i] = rand(-span, span);
        if (r() < 0.25) spec.beginMask |= 1 << i;
        if (r() < 0.25) spec.endMask |= 1 << i;
      }
      dim++;
    }
  });
  return spec;
}

function stridedSliceOf(x: tf.Tensor, s: SliceSpec): tf.Tensor {
  return tf.stridedSlice(
    x,
    s.begin,
    s.end,
    s.strides,
    s.beginMask,
    s.endMask,
    s.ellipsisMask,
    s.newAxisMask,
    s.shrinkAxisMask,
  );
}

describe('StridedSlice', () => {
  it('matches the NumPy reference over seeded random specs (masks, ellipsis, new and shrunk axes, negative strides), and cpu wherever cpu is right', async () => {
    let comparedWithCpu = 0;
    let cpuWrongWithShrink = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const r = rng(1000 + seed);
      const rank = seed % 7;
      const shape = randomShape(r, rank, seed % 10 === 0 ? 0 : 1, 5);
      const dtype = DTYPES[seed % 3]!;
      const spec = randomSliceSpec(r, shape);
      const values = valuesFor(shape, dtype, seed);
      const expected = referenceStridedSlice(shape, values, spec);
      const what = `seed ${seed}: shape ${JSON.stringify(shape)} spec ${JSON.stringify(spec)}`;
      const [actual] = await onRocm(() => stridedSliceOf(tf.tensor(values, shape, dtype), spec));
      expect(actual!.shape, what).toEqual(expected.shape);
      expect(actual!.dtype, what).toBe(dtype);
      expect(actual!.values, what).toEqual(
        dtype === 'bool' ? expected.values.map((v) => (v ? 1 : 0)) : expected.values,
      );

      // tfjs-backend-cpu 4.22 is wrong with a shrunk axis beside a stride ≠ 1 (it indexes x with too few
      // coordinates), and throws for an empty stride-1 interval; everywhere else it must agree.
      await tf.setBackend('cpu');
      let cpu: { shape: number[]; values: number[] } | undefined;
      try {
        const t = stridedSliceOf(tf.tensor(values, shape, dtype), spec);
        cpu = { shape: t.shape, values: Array.from(t.dataSync()) };
      } catch {
        // Its buffer reads past x in the shrunk-axis case too.
        if (spec.shrinkAxisMask === 0) expect(expected.values.length, `${what}: cpu throws`).toBe(0);
        else cpuWrongWithShrink++;
      }
      if (cpu === undefined) continue;
      const same = JSON.stringify(cpu) === JSON.stringify({ shape: actual!.shape, values: actual!.values });
      if (!same) {
        expect(spec.shrinkAxisMask, `${what}: cpu differs without a shrunk axis`).not.toBe(0);
        cpuWrongWithShrink++;
      } else comparedWithCpu++;
    }
    expect(comparedWithCpu).toBeGreaterThan(100);
    expect(cpuWrongWithShrink).toBeGreaterThan(0); // the cpu bug exists, and the cases above reach it
  });

  it('x[1, ::2] and x[::2, 1] take TF’s elements (where tfjs-backend-cpu 4.22 does not)', async () => {
    const [a, b] = await onRocm(() => {
      const x = tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 4]);
      return [
        tf.stridedSlice(x, [1, 0], [2, 4], [1, 2], 0, 0, 0, 0, 1),
        tf.stridedSlice(x, [0, 1], [3, 2], [2, 1], 0, 0, 0, 0, 2),
      ];
    });
    expect(a!.values).toEqual([4, 6]);
    expect(b!.values).toEqual([1, 9]);
  });

  it('shares the data for an identity slice and throws the cpu kernel’s errors', async () => {
    await expectSameAsCpu(() => tf.stridedSlice(tensor([2, 3], 'float32', 1), [0, 0], [2, 3], [1, 1]));
    await expectSameError(() => tf.stridedSlice(tf.zeros([3]), [0], [3], [0]));
    await expectSameError(() => tf.stridedSlice(tf.zeros([3]), [5], [6], [1], 0, 0, 0, 0, 1));
    await expectSameError(() => tf.stridedSlice(tf.zeros([3, 3]), [0, 0], [1, 1], [1, 1], 0, 0, 3));
  });

  it('property: every element of a random strided slice is where the reference puts it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 1 << 30 }),
        async (rank, seed) => {
          const r = rng(seed);
          const shape = randomShape(r, rank, 1, 5);
          const spec = randomSliceSpec(r, shape);
          const values = valuesFor(shape, 'float32', seed);
          const expected = referenceStridedSlice(shape, values, spec);
          const [actual] = await onRocm(() => stridedSliceOf(tf.tensor(values, shape), spec));
          expect(actual!.shape).toEqual(expected.shape);
          expect(actual!.values).toEqual(expected.values);
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });
});

describe('Slice and Reverse', () => {
  it('slice matches cpu over seeded random begins and sizes (incl. −1 and empty slices)', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(2000 + seed);
      const rank = 1 + (seed % 6);
      const shape = randomShape(r, rank, seed % 8 === 0 ? 0 : 1, 5);
      const begin = shape.map((n) => Math.floor(r() * (n + 1)));
      const size = shape.map((n, d) => (r() < 0.2 ? -1 : Math.floor(r() * (n - begin[d]! + 1))));
      const dtype = DTYPES[seed % 3]!;
      await expectSameAsCpu(() => tf.slice(tensor(shape, dtype, seed), begin, size));
    }
  });

  it('slice throws the cpu kernel’s errors', async () => {
    await expectSameError(() => tf.slice(tf.zeros([3, 3]), [1, 1], [3, 1]));
    await expectSameError(() => tf.slice(tf.zeros([3, 3]), [0, 0], [-2, 1]));
  });

  it('reverse matches cpu over seeded random axes (incl. negative ones, rank 0 and empty)', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = rng(3000 + seed);
      const rank = seed % 7;
      const shape = randomShape(r, rank, seed % 9 === 0 ? 0 : 1, 4);
      const axes = Array.from({ length: rank }, (_, d) => d)
        .filter(() => r() < 0.5)
        .map((d) => (r() < 0.3 ? d - rank : d));
      const dtype = DTYPES[seed % 3]!;
      await expectSameAsCpu(() => tf.reverse(tensor(shape, dtype, seed), axes));
    }
  });
});

describe('Concat, Pack, Unpack, SplitV', () => {
  it('concat matches cpu over seeded random shapes, axes and input counts (empty inputs included)', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(4000 + seed);
      const rank = 1 + (seed % 6);
      const shape = randomShape(r, rank, 1, 4);
      const axis = Math.floor(r() * rank);
      const count = 1 + Math.floor(r() * 5);
      const dtype = DTYPES[seed % 3]!;
      const shapes = Array.from({ length: count }, () => {
        const s = [...shape];
        s[axis] = Math.floor(r() * 4); // 0 now and then: an empty input
        return s;
      });
      const negative = r() < 0.3;
      await expectSameAsCpu(() =>
        tf.concat(
          shapes.map((s, k) => tensor(s, dtype, seed * 10 + k)),
          negative ? axis - rank : axis,
        ),
      );
    }
  });

  it('concat of 150 and of 1100 small inputs (several launches of 64 parts, several calls of 1024)', async () => {
    await expectSameAsCpu(() =>
      tf.concat(
        Array.from({ length: 150 }, (_, k) => tensor([2, 1 + (k % 3)], 'float32', k)),
        1,
      ),
    );
    await expectSameAsCpu(() =>
      tf.concat(
        Array.from({ length: 1100 }, (_, k) => tensor([1 + (k % 2)], 'int32', k)),
        0,
      ),
    );
  });

  it('concat: every input empty, and the cpu kernel’s errors', async () => {
    await expectSameAsCpu(() => tf.concat([tf.zeros([2, 0]), tf.zeros([2, 0])], 1));
    await expectSameAsCpu(() => tf.concat([tf.zeros([0, 3]), tf.ones([2, 3])], 0));
    await expectSameError(() => tf.concat([tf.zeros([2, 3]), tf.zeros([3, 3])], 1));
  });

  it('pack matches cpu over seeded random shapes, axes (incl. negative) and counts', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = rng(5000 + seed);
      const rank = seed % 6;
      const shape = randomShape(r, rank, seed % 7 === 0 ? 0 : 1, 4);
      const axis = Math.floor(r() * (rank + 1)) - (r() < 0.3 ? rank + 1 : 0);
      const count = 1 + Math.floor(r() * 5);
      const dtype = DTYPES[seed % 3]!;
      await expectSameAsCpu(() =>
        tf.stack(
          Array.from({ length: count }, (_, k) => tensor(shape, dtype, seed * 10 + k)),
          axis,
        ),
      );
    }
    await expectSameAsCpu(() =>
      tf.stack(
        Array.from({ length: 100 }, (_, k) => tensor([3], 'float32', k)),
        1,
      ),
    );
    await expectSameError(() => tf.stack([tf.zeros([2]), tf.zeros([3])]));
  });

  it('unpack matches cpu over seeded random shapes and axes', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = rng(6000 + seed);
      const rank = 1 + (seed % 6);
      const shape = randomShape(r, rank, seed % 7 === 0 ? 0 : 1, 4);
      const axis = Math.floor(r() * rank);
      const dtype = DTYPES[seed % 3]!;
      await expectSameAsCpu(() => tf.unstack(tensor(shape, dtype, seed), r() < 0.3 ? axis - rank : axis));
    }
    await expectSameAsCpu(() => tf.unstack(tensor([70, 2], 'int32', 1)));
  });

  it('splitV matches cpu over seeded random sizes (incl. 0, −1 and a number of splits)', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = rng(7000 + seed);
      const rank = 1 + (seed % 6);
      const shape = randomShape(r, rank, 1, 5);
      const axis = Math.floor(r() * rank);
      const dtype = DTYPES[seed % 3]!;
      const n = shape[axis]!;
      const sizes: number[] = [];
      let left = n;
      while (left > 0) {
        const s = Math.floor(r() * (left + 1));
        sizes.push(s);
        left -= s;
      }
      // −1 (the rest) only after the first size: prepareSplitSize sums from the first element.
      if (sizes.length > 1 && r() < 0.3) sizes[1 + Math.floor(r() * (sizes.length - 1))] = -1;
      if (sizes.length === 0) sizes.push(0, n);
      const split = seed % 5 === 0 ? 1 : sizes;
      await expectSameAsCpu(() => tf.split(tensor(shape, dtype, seed), split, axis));
    }
    await expectSameError(() => tf.split(tf.zeros([5]), [2, 2]));
  });
});

describe('Tile, PadV2, MirrorPad', () => {
  it('tile matches cpu over seeded random shapes and reps (incl. 0 and 1, rank up to 6)', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(8000 + seed);
      const rank = seed % 7;
      const shape = randomShape(r, rank, seed % 11 === 0 ? 0 : 1, 3);
      const reps = shape.map(() => pick(r, [1, 1, 2, 3, seed % 13 === 0 ? 0 : 1]));
      const dtype = DTYPES[seed % 3]!;
      await expectSameAsCpu(() => tf.tile(tensor(shape, dtype, seed), reps));
    }
  });

  it('pad matches cpu over seeded random paddings and constants (rank up to 6)', async () => {
    const constants = {
      float32: [0, 1.5, -7.25, Number.NaN, 1e39],
      int32: [0, 3, -2.7, 5e9],
      bool: [0, 1, 257],
    };
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(9000 + seed);
      const rank = 1 + (seed % 6); // tf.pad takes no scalar
      const shape = randomShape(r, rank, seed % 11 === 0 ? 0 : 1, 3);
      const paddings = shape.map(() => [Math.floor(r() * 3), Math.floor(r() * 3)] as [number, number]);
      const dtype = DTYPES[seed % 3]!;
      const value = pick(r, constants[dtype]);
      await expectSameAsCpu(() => tf.pad(tensor(shape, dtype, seed), paddings, value));
    }
  });

  it('pad of a bool tensor with a constant byte other than 0/1 holds 1 (bools are 0/1 on this backend)', async () => {
    const [y] = await onRocm(() => tf.pad(tf.tensor1d([1, 0], 'bool'), [[1, 1]], 2));
    expect(y!.values).toEqual([1, 1, 0, 1]);
  });

  it('mirrorPad matches cpu in both modes over seeded random paddings (rank up to 6)', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(10000 + seed);
      const rank = 1 + (seed % 6);
      const shape = randomShape(r, rank, 1, 4);
      const mode = seed % 2 === 0 ? 'reflect' : 'symmetric';
      const most = (n: number) => (mode === 'reflect' ? n - 1 : n);
      const paddings = shape.map(
        (n) => [Math.floor(r() * (most(n) + 1)), Math.floor(r() * (most(n) + 1))] as [number, number],
      );
      const dtype = DTYPES[seed % 3]!;
      await expectSameAsCpu(() => tf.mirrorPad(tensor(shape, dtype, seed), paddings, mode));
    }
  });
});

describe('DepthToSpace, SpaceToBatchND, BatchToSpaceND, Diag', () => {
  it('depthToSpace (NHWC) matches cpu over seeded random shapes', async () => {
    for (let seed = 1; seed <= 15; seed++) {
      const r = rng(11000 + seed);
      const bs = 2 + Math.floor(r() * 2);
      const shape = [
        1 + Math.floor(r() * 2),
        1 + Math.floor(r() * 3),
        1 + Math.floor(r() * 3),
        bs * bs * (1 + Math.floor(r() * 3)),
      ];
      await expectSameAsCpu(() => tf.depthToSpace(tensor(shape, 'float32', seed) as tf.Tensor4D, bs));
    }
  });

  it('depthToSpace (NCHW, which tfjs-backend-cpu does not take) is the NHWC result transposed', async () => {
    for (let seed = 1; seed <= 8; seed++) {
      const r = rng(12000 + seed);
      const bs = 2 + Math.floor(r() * 2);
      const [n, h, w, c] = [
        1 + Math.floor(r() * 2),
        1 + Math.floor(r() * 3),
        1 + Math.floor(r() * 3),
        bs * bs * (1 + Math.floor(r() * 3)),
      ];
      const values = valuesFor([n, h, w, c], 'float32', seed);
      const [nchw, nhwc] = await onRocm(() => {
        const x = tf.tensor4d(values, [n, h, w, c]);
        return [
          tf.depthToSpace(x.transpose([0, 3, 1, 2]) as tf.Tensor4D, bs, 'NCHW'),
          tf.depthToSpace(x, bs, 'NHWC').transpose([0, 3, 1, 2]),
        ];
      });
      expect(nchw!.shape).toEqual(nhwc!.shape);
      expect(nchw!.values).toEqual(nhwc!.values);
    }
  });

  it('spaceToBatchND and batchToSpaceND match cpu over seeded random blocks, paddings and crops', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = rng(13000 + seed);
      const m = 1 + Math.floor(r() * 2);
      const rest = Math.floor(r() * 2);
      const block = Array.from({ length: m }, () => 1 + Math.floor(r() * 3));
      const paddings = block.map(() => [Math.floor(r() * 3), Math.floor(r() * 3)]);
      const spatial = block.map(
        (b, i) => b * (1 + Math.floor(r() * 3)) - paddings[i]![0]! - paddings[i]![1]!,
      );
      // Keep every padded size a positive multiple of its block.
      const fixed = spatial.map((s, i) => (s > 0 ? s : s + block[i]! * 2));
      const shape = [
        1 + Math.floor(r() * 2),
        ...fixed,
        ...Array.from({ length: rest }, () => 1 + Math.floor(r() * 3)),
      ];
      const dtype = DTYPES[seed % 3]!;
      await expectSameAsCpu(() => tf.spaceToBatchND(tensor(shape, dtype, seed), block, paddings));

      const prod = block.reduce((a, b) => a * b, 1);
      const bShape = [
        prod * (1 + Math.floor(r() * 2)),
        ...block.map(() => 1 + Math.floor(r() * 3)),
        ...shape.slice(1 + m),
      ];
      const crops = block.map((b, i) => {
        const full = b * bShape[1 + i]!;
        const c0 = Math.floor(r() * Math.min(2, full));
        return [c0, Math.floor(r() * Math.min(2, full - c0))];
      });
      await expectSameAsCpu(() => tf.batchToSpaceND(tensor(bShape, dtype, seed + 1), block, crops));
    }
  });

  it('diag matches cpu (rank 0–3, every dtype, empty)', async () => {
    for (const [shape, dtype] of [
      [[], 'float32'],
      [[5], 'int32'],
      [[2, 3], 'bool'],
      [[2, 1, 2], 'float32'],
      [[0], 'float32'],
    ] as [number[], DType][]) {
      await expectSameAsCpu(() => tf.diag(tensor(shape, dtype, 3)));
    }
  });
});

describe('routing and the native checks', () => {
  it('every movement kernel ran on the device in the cases above; refused arguments take the host path', async () => {
    callsSince(true);
    await expectSameAsCpu(() => [
      tf.transpose(tensor([2, 3], 'float32', 1)),
      tf.slice(tensor([4], 'int32', 2), [1], [2]),
      tf.concat([tensor([2], 'float32', 3), tensor([3], 'float32', 4)]),
      tf.tile(tensor([2], 'bool', 5), [3]),
      tf.pad(tensor([2], 'float32', 6), [[1, 2]]),
      tf.mirrorPad(tensor([3], 'float32', 7), [[2, 2]], 'reflect'),
    ]);
    const native = callsSince(true).native;
    for (const k of ['Transpose', 'Slice', 'Concat', 'Tile', 'PadV2', 'MirrorPad'])
      expect(native[k], k).toBeGreaterThan(0);

    // Mixed dtypes in a Concat (the cpu kernel converts into the first one's array) go to the host path.
    await expectSameAsCpu(
      () =>
        tf
          .engine()
          .runKernel(
            'Concat',
            [tensor([2], 'int32', 1), tensor([2], 'float32', 2)] as unknown as tf.NamedTensorMap,
            { axis: 0 },
          ) as tf.Tensor,
      { allowHostPath: true },
    );
    expect(callsSince(true).hostPath.Concat).toBe(1);
    // Negative paddings (tf.pad lets them through; the cpu kernel writes some elements out of place).
    await expectSameAsCpu(
      () =>
        tf
          .engine()
          .runKernel(
            'PadV2',
            { x: tensor([3], 'float32', 1) },
            { paddings: [[-1, 2]], constantValue: 0 },
          ) as tf.Tensor,
      { allowHostPath: true },
    );
    expect(callsSince(true).hostPath.PadV2).toBe(1);
  });

  it('the native kernels refuse arguments that would reach outside their buffers', async () => {
    await tf.setBackend('rocm');
    const backend = rocmBackend()!;
    const d = backend.device;
    const x = tf.zeros([3]);
    const y = tf.zeros([10]);
    const xb = backend.bufferOf(x);
    const yb = backend.bufferOf(y);
    const id = backend.nameId('test');
    const a = backend.args;
    // reflect padding 3 of a size-3 dimension reflects past the far edge
    a.set([3, 9, 3]);
    expect(() => d.pad(id, 1, xb, yb, 1, 0, 0)).toThrow(/exceed/);
    // output larger than its buffer
    a.set([3, 11, 4]);
    expect(() => d.pad(id, 0, xb, yb, 1, 0, 0)).toThrow(/needs 11 elements/);
    // tile of an empty input into a non-empty output
    a.set([0, 4]);
    expect(() => d.tile(id, xb, yb, 1)).toThrow(/inShape\[0\] is 0/);
    // a part whose rows run past its buffer, and parts running past the whole's columns
    a.set([4, xb]);
    expect(() => d.concat(id, yb, 1, 1, 10, 0)).toThrow(/needs 4 elements/);
    a.set([3, xb]);
    expect(() => d.concat(id, yb, 1, 1, 10, 8)).toThrow(/past wholeCols/);
    // split into the same buffer twice
    a.set([3, 3, xb, xb]);
    expect(() => d.split(id, yb, 2, 1, 6, 0)).toThrow(/repeats/);
    x.dispose();
    y.dispose();
  });
});
