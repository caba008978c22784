// The gather family against tfjs-backend-cpu: seeded random shapes, dtypes, duplicates and empty
// tensors, every kernel in strict mode (no host path), and the device-reported index errors.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type RocmBackend, rocmBackend } from '../src/index.js';
import { expectSameAsCpu, ON_GPU, rng } from './helpers.js';

type Dtype = 'float32' | 'int32' | 'bool';
const DTYPES: Dtype[] = ['float32', 'int32', 'bool'];

/** A seeded case generator: integers in [lo, hi], picks, values of a dtype. */
function gen(seed: number) {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  return {
    r,
    int,
    pick: <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!,
    shape: (rank: number, lo: number, hi: number) => Array.from({ length: rank }, () => int(lo, hi)),
    values: (n: number, dtype: Dtype): number[] =>
      Array.from({ length: n }, () =>
        dtype === 'float32'
          ? Math.round((r() * 20 - 10) * 8) / 8
          : dtype === 'int32'
            ? int(-50, 50)
            : int(0, 1),
      ),
  };
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const seeds = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

describe('gathers match tfjs-backend-cpu', () => {
  it.each(seeds(40))(
    'GatherV2: random shapes, axes (negative too), batchDims and dtypes (seed %i)',
    async (seed) => {
      const g = gen(seed);
      const xRank = g.int(1, 4);
      const xShape = g.shape(xRank, 1, 4);
      const axis = g.int(0, xRank - 1);
      const batchDims = g.int(0, axis);
      const indicesShape = [...xShape.slice(0, batchDims), ...g.shape(g.int(0, 2), 0, 3)];
      const dtype = g.pick(DTYPES);
      const x = g.values(size(xShape), dtype);
      const indices = Array.from({ length: size(indicesShape) }, () => g.int(0, xShape[axis]! - 1));
      const negAxis = g.int(0, 1) === 1;
      const negBatch = batchDims > 0 && g.int(0, 1) === 1;
      await expectSameAsCpu(() =>
        tf.gather(
          tf.tensor(x, xShape, dtype),
          tf.tensor(indices, indicesShape, 'int32'),
          negAxis ? axis - xRank : axis,
          negBatch ? batchDims - indicesShape.length : batchDims,
        ),
      );
    },
  );

  it('GatherV2: empty indices, an empty outer dimension, scalar indices', async () => {
    await expectSameAsCpu(() => [
      tf.gather(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor1d([], 'int32'), 1),
      tf.gather(tf.zeros([0, 3]), tf.tensor1d([2, 0], 'int32'), 1),
      tf.gather(tf.tensor1d([5, 6, 7]), tf.scalar(2, 'int32')),
      tf.gather(
        tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32'),
        tf.tensor2d([1, 1, 0, 1], [2, 2], 'int32'),
        2,
        1,
      ),
    ]);
  });

  it.each(seeds(30, 100))(
    'GatherNd: random params, index depths and batch shapes (seed %i)',
    async (seed) => {
      const g = gen(seed);
      const rank = g.int(1, 4);
      const shape = g.shape(rank, 1, 4);
      const sliceRank = g.int(1, rank);
      const outer = g.shape(g.int(0, 2), 0, 3);
      const dtype = g.pick(DTYPES);
      const params = g.values(size(shape), dtype);
      const indices: number[] = [];
      for (let i = 0; i < size(outer); i++)
        for (let j = 0; j < sliceRank; j++) indices.push(g.int(0, shape[j]! - 1));
      await expectSameAsCpu(() =>
        tf.gatherND(tf.tensor(params, shape, dtype), tf.tensor(indices, [...outer, sliceRank], 'int32')),
      );
    },
  );

  it('GatherNd: like cpu, only the flat index must be in range ([0, 5] and [1, -1] of a 3×3)', async () => {
    await expectSameAsCpu(() =>
      tf.gatherND(
        tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]),
        tf.tensor2d([0, 5, 1, -1], [2, 2], 'int32'),
      ),
    );
  });
});

describe('scatters match tfjs-backend-cpu', () => {
  /** indices [numUpdates, sliceRank] with values in range (small dims: duplicates are frequent). */
  function scatterCase(seed: number, dtypes: Dtype[]) {
    const g = gen(seed);
    const rank = g.int(1, 3);
    const shape = g.shape(rank, 1, 4);
    const sliceRank = g.int(1, rank);
    const numUpdates = g.int(0, 8);
    const indices: number[] = [];
    for (let i = 0; i < numUpdates; i++)
      for (let j = 0; j < sliceRank; j++) indices.push(g.int(0, shape[j]! - 1));
    const updatesShape = [numUpdates, ...shape.slice(sliceRank)];
    const dtype = g.pick(dtypes);
    const updates = g.values(size(updatesShape), dtype);
    const tensor = g.values(size(shape), dtype);
    return {
      shape,
      dtype,
      indices: () => tf.tensor(indices, [numUpdates, sliceRank], 'int32'),
      updates: () => tf.tensor(updates, updatesShape, dtype),
      tensor: () => tf.tensor(tensor, shape, dtype),
    };
  }

  it.each(seeds(30, 200))('ScatterNd: duplicates sum, float32 and int32 (seed %i)', async (seed) => {
    const c = scatterCase(seed, ['float32', 'int32']);
    await expectSameAsCpu(() => tf.scatterND(c.indices(), c.updates(), c.shape));
  });

  it('ScatterNd: many duplicates of one slice, rank-1 indices', async () => {
    await expectSameAsCpu(() => [
      tf.scatterND(tf.tensor2d(new Array(50).fill(1), [50, 1], 'int32'), tf.fill([50, 2], 0.25), [3, 2]),
      tf.scatterND(tf.tensor1d([0, 2, 0], 'int32'), tf.tensor1d([1, 2, 3], 'int32'), [4]),
      // int32 sums wrap as storing into an Int32Array does.
      tf.scatterND(tf.tensor2d([1, 1], [2, 1], 'int32'), tf.tensor1d([2147483647, 1], 'int32'), [2]),
    ]);
  });

  it.each(seeds(30, 300))(
    'TensorScatterUpdate: the last duplicate wins, every dtype (seed %i)',
    async (seed) => {
      const c = scatterCase(seed, DTYPES);
      await expectSameAsCpu(() => tf.tensorScatterUpdate(c.tensor(), c.indices(), c.updates()));
    },
  );

  it.each(seeds(15, 400))('SparseToDense: values over a default, every dtype (seed %i)', async (seed) => {
    const g = gen(seed);
    const dtype = g.pick(DTYPES);
    const matrix = g.int(0, 1) === 1;
    const shape = matrix ? [g.int(1, 4), g.int(1, 4)] : [g.int(1, 8)];
    const cells = Array.from({ length: size(shape) }, (_, i) => i).filter(() => g.r() < 0.5);
    const indices = matrix ? cells.flatMap((c) => [Math.floor(c / shape[1]!), c % shape[1]!]) : cells;
    const values = g.values(cells.length, dtype);
    const def = g.values(1, dtype)[0]!;
    const scalarValue = g.int(0, 3) === 0;
    await expectSameAsCpu(() =>
      tf.sparseToDense(
        tf.tensor(indices, matrix ? [cells.length, 2] : [cells.length], 'int32'),
        scalarValue ? tf.scalar(values[0] ?? 1, dtype) : tf.tensor(values, [cells.length], dtype),
        shape,
        tf.scalar(def, dtype),
      ),
    );
  });

  it('SparseToDense: the last of duplicate indices wins', async () => {
    await expectSameAsCpu(() =>
      tf.sparseToDense(tf.tensor1d([1, 3, 1], 'int32'), tf.tensor1d([5, 6, 7]), [5], tf.scalar(-2)),
    );
  });
});

describe('segment sums and bincounts match tfjs-backend-cpu', () => {
  it.each(seeds(30, 500))(
    'UnsortedSegmentSum: ids out of range, float32 and int32 (seed %i)',
    async (seed) => {
      const g = gen(seed);
      const n = g.int(0, 6);
      const rest = g.shape(g.int(0, 2), 1, 3);
      const numSegments = g.int(1, 5);
      const dtype = g.pick(['float32', 'int32'] as const);
      const x = g.values(n * size(rest), dtype);
      const ids = Array.from({ length: n }, () => g.int(-1, numSegments));
      await expectSameAsCpu(() =>
        tf.unsortedSegmentSum(tf.tensor(x, [n, ...rest], dtype), tf.tensor1d(ids, 'int32'), numSegments),
      );
    },
  );

  it('UnsortedSegmentSum: a non-finite x is NaN in every other segment (cpu multiplies by a 0/1 mask)', async () => {
    await expectSameAsCpu(() => [
      tf.unsortedSegmentSum(
        tf.tensor1d([1, Number.NaN, 3, Number.POSITIVE_INFINITY]),
        tf.tensor1d([0, 1, 5, -1], 'int32'),
        3,
      ),
      tf.unsortedSegmentSum(
        tf.tensor2d([1, Number.POSITIVE_INFINITY, 2, 3, 4, Number.NEGATIVE_INFINITY], [3, 2]),
        tf.tensor1d([0, 1, 1], 'int32'),
        3,
      ),
      tf.unsortedSegmentSum(tf.tensor1d([true, false, true], 'bool'), tf.tensor1d([0, 1, 0], 'int32'), 2),
    ]);
  });

  it.each(seeds(20, 600))(
    'Bincount and DenseBincount: weights none, float32, int32; binary (seed %i)',
    async (seed) => {
      const g = gen(seed);
      const size = g.int(0, 6);
      const matrix = g.int(0, 1) === 1;
      const shape = matrix ? [g.int(0, 4), g.int(0, 5)] : [g.int(0, 10)];
      const x = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => g.int(0, size + 2));
      const wType = g.pick(['none', 'float32', 'int32'] as const);
      const w = wType === 'none' ? [] : g.values(x.length, wType);
      const weights = () => (wType === 'none' ? tf.tensor1d([], 'float32') : tf.tensor(w, shape, wType));
      const binary = g.int(0, 1) === 1;
      await expectSameAsCpu(() =>
        matrix
          ? tf.denseBincount(
              tf.tensor2d(x, shape as [number, number], 'int32'),
              weights() as tf.Tensor2D,
              size,
              binary,
            )
          : [
              tf.bincount(tf.tensor1d(x, 'int32'), weights() as tf.Tensor1D, size),
              tf.denseBincount(tf.tensor1d(x, 'int32'), weights() as tf.Tensor1D, size, binary),
            ],
      );
    },
  );
});

describe('generators match tfjs-backend-cpu', () => {
  it.each(seeds(20, 700))(
    'OneHot: indices out of range, every dtype, on/off values (seed %i)',
    async (seed) => {
      const g = gen(seed);
      const depth = g.int(2, 5);
      const shape = g.shape(g.int(0, 2), 0, 4);
      const indices = Array.from({ length: size(shape) }, () => g.int(-1, depth));
      const dtype = g.pick(DTYPES);
      const [on, off] =
        dtype === 'bool'
          ? [1, 0]
          : [g.pick([1, 2.5, -3.7, 1e10, 2 ** 31 + 5]), g.pick([0, -1, 0.25, Number.NaN])];
      await expectSameAsCpu(() => tf.oneHot(tf.tensor(indices, shape, 'int32'), depth, on, off, dtype));
    },
  );

  it('Range: float steps accumulate as cpu does; integer ranges; signs; int32 with fractional steps', async () => {
    const cases: [number, number, number, 'float32' | 'int32'][] = [
      [0, 1, 0.1, 'float32'],
      [0, 100, 0.3, 'float32'],
      [5, 0, 0.5, 'float32'],
      [5, 0, 1, 'float32'],
      [-3, 40000, 7, 'float32'],
      [0, 3e7, 1e6, 'float32'],
      [0.5, 10, 2, 'float32'],
      [10, -10, -1.5, 'float32'],
      [0, 5, 1.5, 'int32'],
      [-7.9, 20, 3, 'int32'],
      [0, 1000, 7, 'int32'],
      [3, 3, 1, 'int32'],
      [0, 10, -1, 'float32'],
      [2147483600, 2147483700, 9, 'int32'],
    ];
    await expectSameAsCpu(() => cases.map(([a, b, s, d]) => tf.range(a, b, s, d)), { tol: 0 });
  });

  it('LinSpace: cpu’s accumulated float32 steps', async () => {
    await expectSameAsCpu(
      () => [
        tf.linspace(0, 1, 7),
        tf.linspace(-5, 3, 100),
        tf.linspace(2, 2, 4),
        tf.linspace(1, 9, 1),
        tf.linspace(0, 12, 5),
      ],
      { tol: 0 },
    );
  });
});

describe('SearchSorted, TopK and Where match tfjs-backend-cpu', () => {
  it.each(seeds(20, 800))(
    'SearchSorted: duplicates, both sides, float32 and int32 (seed %i)',
    async (seed) => {
      const g = gen(seed);
      const batch = g.int(1, 3);
      const numSeq = g.int(1, 8); // tf.searchSorted cannot reshape an empty sequence
      const numValues = g.int(1, 6);
      const dtype = g.pick(['float32', 'int32'] as const);
      const seq: number[] = [];
      for (let b = 0; b < batch; b++)
        seq.push(...Array.from({ length: numSeq }, () => g.int(-5, 5)).sort((a, c) => a - c));
      const values = Array.from(
        { length: batch * numValues },
        () => g.int(-6, 6) + (dtype === 'float32' ? g.pick([0, 0.5]) : 0),
      );
      const side = g.pick(['left', 'right'] as const);
      await expectSameAsCpu(() =>
        tf.searchSorted(
          tf.tensor(seq, [batch, numSeq], dtype),
          tf.tensor(values, [batch, numValues], dtype),
          side,
        ),
      );
    },
  );

  it('TopK: every k from 0 to n, ties by the lower index, -0 against 0, int32', async () => {
    for (let n = 0; n <= 9; n++) {
      const g = gen(900 + n);
      const rows = g.int(1, 4);
      const x = Array.from({ length: rows * n }, () => g.pick([0, -0, 1, 2, 2, -1, 0.5, -3]));
      const xi = Array.from({ length: rows * n }, () => g.int(-3, 3));
      for (let k = 0; k <= n; k++) {
        await expectSameAsCpu(() => {
          const f = tf.topk(tf.tensor(x, [rows, n]), k);
          const i = tf.topk(tf.tensor(xi, [rows, n], 'int32'), k);
          return [f.values, f.indices, i.values, i.indices];
        });
      }
    }
  });

  it('TopK: infinities in order (k = n: cpu sorts without its selection, whose b − a is NaN for Inf − Inf)', async () => {
    // One of each (two equal infinities compare as NaN in cpu's sort too).
    const x = [1, Number.NEGATIVE_INFINITY, 2, Number.POSITIVE_INFINITY, -0, 0, 3];
    const rows = [...x, ...[...x].reverse()];
    await expectSameAsCpu(() => {
      const r = tf.topk(tf.tensor2d(rows, [2, 7]), 7);
      return [r.values, r.indices];
    });
    // Where cpu's selection runs (k < n) it can lose a value next to infinities: the right answer here.
    await tf.setBackend('rocm');
    const r = tf.topk(
      tf.tensor1d([0, -0, 1, 2, 2, -1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.5, 2]),
      5,
    );
    expect(Array.from(await r.values.data())).toEqual([Number.POSITIVE_INFINITY, 2, 2, 2, 1]);
    expect(Array.from(await r.indices.data())).toEqual([6, 3, 4, 9, 2]);
    tf.dispose([r.values, r.indices]);
  });

  it.each([
    [3, 100, 17],
    [2, 2048, 2048],
    [2, 2049, 5],
    [1, 5000, 4999],
    [3, 4096, 100],
  ])('TopK: %i rows of %i, k = %i (the shared-memory and the long-row paths)', async (rows, n, k) => {
    const g = gen(rows * n + k);
    const x = Array.from({ length: rows * n }, () => g.int(-200, 200) / 4);
    await expectSameAsCpu(() => {
      const r = tf.topk(tf.tensor(x, [rows, n]), k);
      return [r.values, r.indices];
    });
  });

  it('TopK: unsorted with k = n is the row as it is; with k < n the same set as cpu (its order is its own)', async () => {
    const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    await expectSameAsCpu(() => {
      const r = tf.topk(tf.tensor1d(x), x.length, false);
      return [r.values, r.indices];
    });
    await tf.setBackend('cpu');
    const cpu = tf.topk(tf.tensor1d(x), 4, false);
    const expected = Array.from(await cpu.indices.data()).sort((a, b) => a - b);
    await tf.setBackend('rocm');
    const ours = tf.topk(tf.tensor1d(x), 4, false);
    expect(Array.from(await ours.indices.data()).sort((a, b) => a - b)).toEqual(expected);
    expect(Array.from(await ours.values.data())).toEqual([9, 6, 5, 5]);
  });

  it('TopK: empty rows and an empty batch', async () => {
    await expectSameAsCpu(() => {
      const a = tf.topk(tf.zeros([3, 0]), 0);
      const b = tf.topk(tf.zeros([0, 4]), 2);
      return [a.values, a.indices, b.values, b.indices];
    });
  });

  /** tf.whereAsync on cpu against the device 'Where' kernel (tfjs-core has no Where kernel of its own). */
  async function expectWhereLikeCpu(values: number[], shape: number[], dtype: Dtype): Promise<void> {
    // tf.whereAsync takes bool only; the kernel takes any dtype with JavaScript truthiness (whereImpl's).
    await tf.setBackend('cpu');
    const cond = tf.tensor(
      values.map((v) => (v ? 1 : 0)),
      shape,
      'bool',
    );
    const expected = await tf.whereAsync(cond);
    const e = { shape: expected.shape, values: Array.from(await expected.data()) };
    tf.dispose([cond, expected]);
    await tf.setBackend('rocm');
    const c2 = tf.tensor(values, shape, dtype);
    const out = tf.engine().runKernel('Where', { condition: c2 }) as tf.Tensor;
    expect(out.dtype).toBe('int32');
    expect(out.shape).toEqual(e.shape);
    expect(Array.from(await out.data())).toEqual(e.values);
    tf.dispose([c2, out]);
  }

  it.each(seeds(25, 1000))(
    'Where: coordinates in row-major order, any rank and dtype (seed %i)',
    async (seed) => {
      const g = gen(seed);
      const shape = g.shape(g.int(0, 4), 0, 6);
      const dtype = g.pick(DTYPES);
      const density = g.r();
      const values = Array.from({ length: size(shape) }, () =>
        g.r() < density
          ? dtype === 'float32'
            ? g.pick([1, -2.5, 0.1])
            : 1
          : dtype === 'float32'
            ? g.pick([0, -0, Number.NaN])
            : 0,
      );
      await expectWhereLikeCpu(values, shape, dtype);
    },
  );

  it('Where: many chunks (over 4096 elements each), and none true', async () => {
    const g = gen(1100);
    const big = Array.from({ length: 15 * 4100 }, () => (g.r() < 0.3 ? 1 : 0));
    await expectWhereLikeCpu(big, [15, 4100], 'bool');
    await expectWhereLikeCpu(new Array(9000).fill(0), [9000], 'int32');
  });
});

describe('index errors found by the device', () => {
  it.each([
    [
      'GatherV2',
      'the index value 100 is not in \\[0, 1\\]',
      () => tf.gather(tf.tensor2d([1, 11, 2, 22], [2, 2]), tf.tensor1d([100], 'int32')),
    ],
    [
      'GatherV2',
      'the index value -1 is not in \\[0, 2\\]',
      () => tf.gather(tf.tensor1d([1, 2, 3]), tf.tensor1d([0, -1], 'int32')),
    ],
    [
      'GatherV2',
      'the index value 3 is not in \\[0, 2\\]',
      () => tf.gather(tf.tensor1d([1, 2, 3]), tf.tensor1d([3], 'int32')),
    ],
    [
      'GatherNd',
      'the index value 9 is not in \\[0, 8\\]',
      () => tf.gatherND(tf.zeros([3, 3]), tf.tensor2d([3, 0], [1, 2], 'int32')),
    ],
    [
      'ScatterNd',
      'the index value 5 is not in \\[0, 3\\]',
      () => tf.scatterND(tf.tensor2d([5], [1, 1], 'int32'), tf.tensor1d([1]), [4]),
    ],
    [
      'TensorScatterUpdate',
      'the index value -2',
      () => tf.tensorScatterUpdate(tf.zeros([4]), tf.tensor2d([-2], [1, 1], 'int32'), tf.tensor1d([1])),
    ],
    [
      'SparseToDense',
      'the index value 7 is not in \\[0, 4\\]',
      () => tf.sparseToDense(tf.tensor1d([7], 'int32'), tf.tensor1d([1]), [5], tf.scalar(0)),
    ],
    ['Bincount', 'the index value -3', () => tf.bincount(tf.tensor1d([1, -3], 'int32'), tf.tensor1d([]), 4)],
  ] as const)(
    '%s: the error names the kernel and the bad index; the backend keeps working',
    async (kernel, message, op) => {
      await tf.setBackend('rocm');
      const expected = new RegExp(`${kernel}: ${message}`);
      // Thrown by the call on the host device (as cpu throws), by the read on the GPU.
      if (ON_GPU) expect(() => tf.tidy(() => op().dataSync())).toThrow(expected);
      else expect(() => tf.tidy(() => op())).toThrow(expected);
      // Reported once; the backend computes on.
      const after = tf.gather(tf.tensor1d([1, 2, 3]), tf.tensor1d([2, 0], 'int32'));
      expect(Array.from(await after.data())).toEqual([3, 1]);
      after.dispose();
    },
  );

  it('a bad index gives 0 in the output until the error is read, then the record is clear', async () => {
    await tf.setBackend('rocm');
    const b = rocmBackend() as RocmBackend;
    // x [2, 3] along axis 1 with index 3 = dim: row 0 would read x[1, 0] if the bound were off by one.
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const idx = tf.tensor1d([2, 3, 0], 'int32');
    const out = b.makeTensorInfo([2, 3], 'float32');
    b.device.gather(b.nameId('GatherV2'), b.bufferOf(x), b.bufferOf(idx), b.bufferOf(out), 1, 2, 3, 1, 3);
    expect(() => b.device.synchronize()).toThrow(/GatherV2: the index value 3 is not in \[0, 2\]/);
    expect(() => b.device.synchronize()).not.toThrow();
    expect(Array.from(b.device.readSync(b.bufferOf(out), 6, 0))).toEqual([3, 0, 1, 6, 0, 4]);
    b.disposeIntermediateTensorInfo(out);
    tf.dispose([x, idx]);
  });

  it('the native functions refuse buffers too small for the sizes they are given', async () => {
    await tf.setBackend('rocm');
    const b = rocmBackend() as RocmBackend;
    const x = tf.tensor1d([1, 2, 3]);
    const idx = tf.tensor1d([0], 'int32');
    const out = b.makeTensorInfo([1], 'float32');
    expect(() =>
      b.device.gather(b.nameId('GatherV2'), b.bufferOf(x), b.bufferOf(idx), b.bufferOf(out), 1, 1, 4, 1, 1),
    ).toThrow(/x needs 4 elements/);
    expect(() =>
      b.device.topK(b.nameId('TopK'), 0, b.bufferOf(x), b.bufferOf(out), b.bufferOf(out), 1, 3, 2, false),
    ).toThrow(/values needs 2 elements/);
    b.disposeIntermediateTensorInfo(out);
    tf.dispose([x, idx]);
  });
});
