import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RocmBackend, rocmBackend } from '../src/index.js';
import { callsSince, expectSameAsCpu, rng } from './helpers.js';

type DType = 'float32' | 'int32' | 'bool';
const REDUCE_OPS = ['sum', 'prod', 'mean', 'max', 'min', 'all', 'any'] as const;
type ReduceOpName = (typeof REDUCE_OPS)[number];

/**
 * n values for `dtype` from `seed`: float32 draws small integers (ties, ±0), fractions, and — when
 * `specials` — NaN and ±Infinity; int32 small and large integers; bool 0/1.
 */
function values(n: number, dtype: DType, seed: number, specials = true): number[] {
  const r = rng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    if (dtype === 'bool') out.push(u < 0.5 ? 0 : 1);
    else if (dtype === 'int32')
      out.push(u < 0.9 ? Math.floor(r() * 11) - 5 : Math.floor((r() - 0.5) * 2 ** 31));
    else if (specials && u < 0.04) out.push(Number.NaN);
    else if (specials && u < 0.08) out.push(r() < 0.5 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY);
    else if (u < 0.5) out.push([-2, -1, -0, 0, 1, 2][Math.floor(r() * 6)]!);
    else out.push((r() - 0.5) * 4);
  }
  return out;
}

function tensorOf(shape: number[], dtype: DType, seed: number, specials = true): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(values(n, dtype, seed, specials), shape, dtype);
}

type ReduceFn = (x: tf.Tensor, axis?: number | number[], keepDims?: boolean) => tf.Tensor;
/** The ops as tfjs-core's user-level functions (All and Any take bool: the input is cast first). */
const REDUCE_FNS: Record<ReduceOpName, ReduceFn> = {
  sum: tf.sum,
  prod: tf.prod,
  mean: tf.mean,
  max: tf.max,
  min: tf.min,
  all: (x, axis, keepDims) => tf.all(x.cast('bool'), axis, keepDims),
  any: (x, axis, keepDims) => tf.any(x.cast('bool'), axis, keepDims),
};

function applyReduce(op: ReduceOpName, x: tf.Tensor, axis: number | number[] | undefined, keepDims: boolean) {
  return REDUCE_FNS[op](x, axis, keepDims);
}

// Shapes of rank 0–5 with small dimensions (now and then 0), an axis set (subset, random order, each
// axis possibly negative; or undefined for all), keepDims, the dtype and a seed.
const reduceCase = fc
  .array(
    fc.oneof(
      { weight: 12, arbitrary: fc.integer({ min: 1, max: 5 }) },
      { weight: 1, arbitrary: fc.constant(0) },
    ),
    {
      minLength: 0,
      maxLength: 5,
    },
  )
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axis: fc.oneof(
        { weight: 1, arbitrary: fc.constant(undefined) },
        {
          weight: 5,
          arbitrary: fc
            .shuffledSubarray(
              shape.map((_, d) => d),
              { minLength: 0, maxLength: shape.length },
            )
            .chain((axes) =>
              fc
                .array(fc.boolean(), { minLength: axes.length, maxLength: axes.length })
                .map((neg) => axes.map((a, i) => (neg[i] ? a - shape.length : a))),
            ),
        },
      ),
      keepDims: fc.boolean(),
      dtype: fc.constantFrom<DType>('float32', 'int32', 'bool'),
      seed: fc.integer({ min: 1, max: 1 << 30 }),
    }),
  );

describe('reductions match tfjs-backend-cpu', () => {
  it('every reduction over random shapes, axis sets, keepDims and dtypes (NaN and ±Infinity included)', async () => {
    await fc.assert(
      fc.asyncProperty(reduceCase, fc.constantFrom(...REDUCE_OPS), async (c, op) => {
        await expectSameAsCpu(() => applyReduce(op, tensorOf(c.shape, c.dtype, c.seed), c.axis, c.keepDims), {
          tol: 1e-5,
        });
      }),
      { numRuns: 400, seed: 2024 },
    );
  });

  it('argMax and argMin over random shapes and axes (the first index of the extreme; NaN as the cpu sees it)', async () => {
    const argCase = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 5 }).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
        dtype: fc.constantFrom<DType>('float32', 'int32', 'bool'),
        seed: fc.integer({ min: 1, max: 1 << 30 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(argCase, fc.boolean(), async (c, max) => {
        await expectSameAsCpu(() => {
          const x = tensorOf(c.shape, c.dtype, c.seed);
          return max ? tf.argMax(x, c.axis) : tf.argMin(x, c.axis);
        });
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('NaN and infinities: Max/Min propagate any NaN, ArgMax/ArgMin stop at a NaN only at index 0', async () => {
    const nan = Number.NaN;
    const inf = Number.POSITIVE_INFINITY;
    const rows = [
      [nan, 1, 5, 2],
      [1, nan, 5, 2],
      [1, 5, 2, nan],
      [nan, nan, nan, nan],
      [-inf, -inf, -inf, -inf],
      [inf, 1, inf, -inf],
      [3, 3, -1, -1],
      [-inf, nan, inf, 0],
    ];
    const x = () => tf.tensor2d(rows.flat(), [rows.length, 4]);
    await expectSameAsCpu(() => [
      tf.max(x(), 1),
      tf.min(x(), 1),
      tf.sum(x(), 1),
      tf.prod(x(), 1),
      tf.mean(x(), 1),
      tf.argMax(x(), 1),
      tf.argMin(x(), 1),
      tf.max(x(), 0),
      tf.argMax(x(), 0),
      tf.argMin(x(), 0),
    ]);
  });

  it('the sign of a zero Max/Min is the first zero the cpu sees (1/x tells them apart)', async () => {
    const x = () => tf.tensor2d([-0, 0, 0, -0, -0, -0, 0, 0], [4, 2]);
    await expectSameAsCpu(() => [
      tf.div(1, tf.max(x(), 1)),
      tf.div(1, tf.min(x(), 1)),
      tf.div(1, tf.max(x(), 0)),
      tf.div(1, tf.min(x(), 0)),
      tf.div(
        1,
        tf.max(
          tf.tensor1d([
            -0, 0, -0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0,
          ]),
        ),
      ),
    ]);
  });

  it('All and Any on non-bool inputs return the operand JavaScript’s && and || give (the kernels, below tf.all)', async () => {
    const run = (name: string, x: tf.Tensor, axis: number) =>
      tf.engine().runKernel(name, { x }, { axis, keepDims: false }) as tf.Tensor;
    const f = () => tf.tensor2d([2, 3, 0.5, -1, 0, 4, Number.NaN, 2, 7, -0, 0, 0], [3, 4]);
    const i = () => tf.tensor2d([2, 3, 5, -1, 0, 4, 9, 2, 0, 0, 0, 0], [3, 4], 'int32');
    await expectSameAsCpu(() => [
      run('All', f(), 1),
      run('Any', f(), 1),
      run('All', f(), 0),
      run('Any', f(), 0),
      run('All', i(), 1),
      run('Any', i(), 1),
      run('All', i(), 0),
      run('Any', i(), 0),
    ]);
  });

  it('int32: sums wrap like ToInt32, products are folded left to right in double like the cpu', async () => {
    const big = [2147483647, 2147483647, 5, -2147483648, 1000003, 999983, 65537, 131071];
    await expectSameAsCpu(() => [
      tf.sum(tf.tensor2d(big, [2, 4], 'int32'), 1),
      tf.sum(tf.tensor1d(big, 'int32')),
      tf.prod(tf.tensor2d(big, [2, 4], 'int32'), 1),
      tf.prod(tf.tensor1d(big, 'int32')),
      tf.prod(tf.tensor2d(big, [4, 2], 'int32'), 0),
      tf.mean(tf.tensor1d(big, 'int32')),
      tf.max(tf.tensor1d(big, 'int32')),
      tf.min(tf.tensor1d(big, 'int32')),
    ]);
    // Products far past 2^53 over a long axis (the GPU must not regroup them).
    const long = Array.from({ length: 3000 }, (_, k) => (k % 7) + 1000 - k);
    await expectSameAsCpu(() => [
      tf.prod(tf.tensor1d(long, 'int32')),
      tf.prod(tf.tensor2d(long, [1000, 3], 'int32'), 0),
      tf.prod(tf.tensor2d(long, [3, 1000], 'int32'), 1),
    ]);
  });

  it('bool inputs: Sum and Prod give int32, Max/Min/All/Any keep bool, Mean gives float32', async () => {
    const b = () => tf.tensor2d([true, false, true, true, false, false], [2, 3], 'bool');
    await expectSameAsCpu(() => [
      tf.sum(b(), 1),
      tf.prod(b(), 0),
      tf.mean(b(), 1),
      tf.max(b(), 1),
      tf.min(b(), 0),
      tf.all(b(), 1),
      tf.any(b(), 0),
      tf.argMax(b(), 1),
      tf.cumsum(b(), 1),
      tf.engine().runKernel('Prod', { x: b() }, { axis: [0, 1], keepDims: true }) as tf.Tensor,
    ]);
  });

  it('empty tensors: a zero-length reduced axis gives the cpu’s values (0, 1, NaN, false), empty outputs stay empty', async () => {
    for (const dtype of ['float32', 'int32', 'bool'] as DType[]) {
      const e = () => tf.zeros([3, 0, 2], dtype);
      await expectSameAsCpu(() => [
        ...REDUCE_OPS.map((op) => applyReduce(op, e(), 1, false)),
        ...REDUCE_OPS.map((op) => applyReduce(op, e(), [1, 2], true)),
        ...REDUCE_OPS.map((op) => applyReduce(op, e(), [0, 2], false)),
        ...REDUCE_OPS.map((op) => applyReduce(op, e(), undefined, false)),
        tf.argMax(e(), 1),
        tf.argMin(e(), 1),
        tf.argMax(e(), 2),
        tf.cumsum(e(), 1),
        tf.cumprod(e(), 2),
        tf.engine().runKernel('All', { x: e() }, { axis: 1, keepDims: false }) as tf.Tensor,
      ]);
    }
  });

  it('scalars and empty axis lists reduce nothing (the dtype still changes as the cpu’s does)', async () => {
    await expectSameAsCpu(() => [
      ...REDUCE_OPS.map((op) => applyReduce(op, tf.scalar(-2.5), undefined, false)),
      ...REDUCE_OPS.map((op) => applyReduce(op, tf.scalar(3, 'int32'), [], true)),
      ...REDUCE_OPS.map((op) => applyReduce(op, tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), [], false)),
      tf.sum(tf.tensor1d([true, false], 'bool'), []),
      tf.mean(tf.tensor1d([3, 4], 'int32'), []),
    ]);
  });

  it('long axes: 100 000 elements per row (rows split into segments on the GPU), rows of every length class', async () => {
    const f = (shape: number[], seed: number) =>
      tf.tensor(
        values(
          shape.reduce((a, b) => a * b, 1),
          'float32',
          seed,
          false,
        ),
        shape,
      );
    await expectSameAsCpu(() => [
      tf.sum(f([100_000], 1)),
      tf.mean(f([2, 100_000], 2), 1),
      tf.max(f([3, 100_000], 3), -1),
      tf.argMin(f([2, 100_000], 4), 1),
      tf.prod(tf.add(1, tf.mul(1e-4, f([100_000], 5)))),
      tf.sum(tf.tensor1d(values(100_000, 'int32', 6), 'int32')),
      tf.argMax(tf.tensor1d(values(100_000, 'int32', 7), 'int32')),
      // 31, 33, 2047, 2049 and 9000 elements per row: thread per row, small blocks, full blocks.
      ...[31, 33, 2047, 2049, 9000].map((r, i) => tf.sum(f([7, r], 10 + i), 1)),
      ...[31, 33, 2047, 2049, 9000].map((r, i) => tf.argMax(f([7, r], 20 + i), 1)),
    ]);
  });

  it('few columns over a long axis (the bias gradient: [N·H·W, C] summed over the first axis; two passes on the GPU)', async () => {
    const f = (shape: number[], seed: number) =>
      tf.tensor(
        values(
          shape.reduce((a, b) => a * b, 1),
          'float32',
          seed,
          false,
        ),
        shape,
      );
    await expectSameAsCpu(() => [
      tf.sum(f([4 * 30 * 30, 16], 1), 0),
      tf.sum(f([2, 16, 16, 8], 2), [0, 1, 2]),
      tf.mean(f([5000, 3], 3), 0, true),
      tf.max(f([2, 5000, 5], 4), 1),
      tf.argMax(f([5000, 4], 5), 0),
      tf.min(tf.tensor2d(values(20_000, 'int32', 6), [5000, 4], 'int32'), 0),
      tf.any(tf.tensor2d(values(20_000, 'bool', 7), [5000, 4], 'bool'), 0),
      tf.all(tf.greater(f([5000, 4], 8), -1.99), 0),
    ]);
  });
});

describe('scans match tfjs-backend-cpu', () => {
  it('cumsum and cumprod over random shapes and axes, exclusive and reverse', async () => {
    const scanCase = fc
      .array(
        fc.oneof(
          { weight: 10, arbitrary: fc.integer({ min: 1, max: 6 }) },
          { weight: 1, arbitrary: fc.constant(0) },
        ),
        {
          minLength: 1,
          maxLength: 5,
        },
      )
      .chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          axis: fc.integer({ min: 0, max: shape.length - 1 }),
          exclusive: fc.boolean(),
          reverse: fc.boolean(),
          dtype: fc.constantFrom<DType>('float32', 'int32', 'bool'),
          seed: fc.integer({ min: 1, max: 1 << 30 }),
        }),
      );
    await fc.assert(
      fc.asyncProperty(scanCase, fc.boolean(), async (c, sum) => {
        await expectSameAsCpu(
          () => {
            const x = tensorOf(c.shape, c.dtype, c.seed);
            return sum
              ? tf.cumsum(x, c.axis, c.exclusive, c.reverse)
              : tf.cumprod(x, c.axis, c.exclusive, c.reverse);
          },
          { tol: 0 },
        );
      }),
      { numRuns: 200, seed: 99 },
    );
  });

  it('float32 prefixes are rounded at every step like the cpu’s (exactly equal), int32 ones wrap', async () => {
    const f = tf.tensor1d(values(20_000, 'float32', 11, false));
    const i = [2147483647, 1, 2, 3, 65536, 65536, 65536, -7];
    await expectSameAsCpu(
      () => [
        tf.cumsum(f.clone()),
        tf.cumsum(f.clone(), 0, true, true),
        tf.cumprod(tf.add(1, tf.mul(1e-3, f.clone()))),
        tf.cumsum(tf.tensor1d(i, 'int32')),
        tf.cumprod(tf.tensor1d(i, 'int32')),
        tf.cumprod(tf.tensor1d(i, 'int32'), 0, true, true),
        tf.cumsum(tf.tensor1d([-0, 1], 'float32')),
        tf.div(1, tf.cumsum(tf.tensor1d([-0, -0], 'float32'))),
      ],
      { tol: 0 },
    );
    f.dispose();
  });
});

describe('arguments the device does not take go to the host path, and the native layer checks its views', () => {
  it('out-of-range and repeated axes, several ArgMax axes, scalar or negative scan axes: the cpu’s answer or error', async () => {
    const x = () => tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    for (const f of [
      () => tf.sum(x(), 2),
      () => tf.max(x(), -3),
      () => tf.engine().runKernel('Sum', { x: x() }, { axis: [1, 1], keepDims: false }) as tf.Tensor,
      () => tf.engine().runKernel('ArgMax', { x: x() }, { axis: [0, 1] }) as tf.Tensor,
      () => tf.cumsum(tf.scalar(3), 0),
    ]) {
      let cpuError: string | undefined;
      await tf.setBackend('cpu');
      try {
        tf.tidy(f);
      } catch (e) {
        cpuError = (e as Error).message;
      }
      if (cpuError !== undefined) {
        await tf.setBackend('rocm');
        expect(() => tf.tidy(f)).toThrow(cpuError);
      } else {
        await expectSameAsCpu(f, { allowHostPath: true });
      }
    }
    callsSince(true);
    await tf.setBackend('rocm');
    tf.tidy(() => tf.engine().runKernel('Sum', { x: x() }, { axis: [1, 1], keepDims: false }));
    // A negative scan axis gives the cpu a malformed shape (which the host path cannot store): what
    // matters here is that the device kernel does not take it.
    try {
      tf.tidy(() => tf.cumsum(x(), -1));
    } catch {}
    const calls = callsSince(true);
    expect(calls.hostPath.Sum).toBe(1);
    expect(calls.hostPath.Cumsum).toBe(1);
  });

  it('reduce and scan refuse views larger than their buffers (a RangeError naming the kernel)', async () => {
    await tf.setBackend('rocm');
    const backend = rocmBackend() as RocmBackend;
    const x = tf.zeros([6]);
    const y = tf.zeros([2]);
    const xb = backend.bufferOf(x);
    const yb = backend.bufferOf(y);
    const id = backend.nameId('Sum');
    expect(() => backend.device.reduce(id, 0, 0, xb, yb, 2, 4, 1)).toThrow(/needs 8 elements/);
    expect(() => backend.device.reduce(id, 0, 0, xb, yb, 3, 2, 1)).toThrow(/y needs 3 elements/);
    expect(() => backend.device.reduce(id, 99, 0, xb, yb, 2, 3, 1)).toThrow(RangeError);
    expect(() => backend.device.reduce(id, 0, 0, xb, yb, 2 ** 30, 2 ** 30, 2 ** 30)).toThrow(/2\^53/);
    expect(() => backend.device.scan(id, 0, 0, xb, yb, 2, 3, 1, false, false)).toThrow(/y needs 6 elements/);
    expect(() => backend.device.reduce(id, 0, 0, xb, yb, 2, 3, 1)).not.toThrow();
    tf.dispose([x, y]);
  });

  it('non-contiguous axes run on the device and leave no intermediate tensor behind', async () => {
    await tf.setBackend('rocm');
    callsSince(true);
    const x = tf.ones([2, 3, 4, 5]);
    const before = tf.memory().numTensors;
    const y = tf.sum(x, [0, 2]);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(Array.from(await y.data())).toEqual(new Array(15).fill(8));
    expect(callsSince(true).native.Sum).toBe(1);
    tf.dispose([x, y]);
  });
});
