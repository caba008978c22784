import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rocmBackend } from '../src/index.js';
import { callsSince, expectSameAsCpu, randomValues } from './helpers.js';

type Shape = readonly number[];
const size = (s: Shape) => s.reduce((x, y) => x * y, 1);
const rand = (s: Shape, seed: number, lo = -1, hi = 1) =>
  tf.tensor(randomValues(size(s), seed, lo, hi), [...s]);

/** a's and b's shapes for op(a)·op(b) of M×K by K×N with batch dims, under the transposes. */
function operandShapes(
  batchA: Shape,
  batchB: Shape,
  M: number,
  N: number,
  K: number,
  ta: boolean,
  tb: boolean,
) {
  return [
    [...batchA, ...(ta ? [K, M] : [M, K])],
    [...batchB, ...(tb ? [N, K] : [K, N])],
  ] as const;
}

const TRANSPOSES = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

/** int32 results must match exactly (the default tolerance is relative). */
const EXACT = { tol: 0 };

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const;

describe('BatchMatMul matches tfjs-backend-cpu', () => {
  // M, N, K of 1, sizes that are no multiple of any tile (4, 8, 16, 32, 64, 128), and the dense-layer
  // shapes the skinny tiles are for.
  const SHAPES: [number, number, number][] = [
    [1, 1, 1],
    [1, 7, 5],
    [6, 1, 9],
    [5, 3, 1],
    [17, 33, 65],
    [129, 31, 7],
    [3, 130, 257],
    [64, 64, 64],
    [37, 10, 1600],
    [128, 10, 300],
    [1, 300, 41],
  ];
  it.each(TRANSPOSES)('every shape with transposeA=%s, transposeB=%s', async (ta, tb) => {
    for (const [M, N, K] of SHAPES) {
      const [sa, sb] = operandShapes([], [], M, N, K, ta, tb);
      await expectSameAsCpu(() => tf.matMul(rand(sa, M), rand(sb, N), ta, tb));
    }
  });

  it('broadcasts batch dims like the cpu backend (rank 2 to 5, batch 1 against n)', async () => {
    const cases: [Shape, Shape][] = [
      [[3], []],
      [[], [4]],
      [[1], [5]],
      [[5], [1]],
      [[4], [4]],
      [[2, 3], [3]],
      [[3], [2, 3]],
      [
        [2, 3],
        [1, 1],
      ],
      [
        [1, 1, 1],
        [2, 3, 1],
      ],
      [[2, 2, 3], [3]],
      [
        [2, 1, 3],
        [2, 1, 3],
      ],
    ];
    for (const [ta, tb] of TRANSPOSES) {
      for (const [ba, bb] of cases) {
        const [sa, sb] = operandShapes(ba, bb, 5, 6, 7, ta, tb);
        await expectSameAsCpu(() => tf.matMul(rand(sa, 1), rand(sb, 2), ta, tb));
      }
    }
  });

  it('random shapes up to 300 (all transposes, batch 1-3)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        async (M, N, K, batch, ta, tb, broadcastB) => {
          // Keep each case's work (the cpu backend's JS loops, the host device's) bounded.
          const k = Math.min(K, Math.floor(3e6 / (M * N * batch)) + 1);
          const [sa, sb] = operandShapes([batch], broadcastB ? [] : [batch], M, N, k, ta, tb);
          await expectSameAsCpu(() => tf.matMul(rand(sa, M + N), rand(sb, k), ta, tb));
        },
      ),
      { numRuns: 25, seed: 7 },
    );
  });

  it('long reductions (split-K on the GPU) and larger products', async () => {
    await expectSameAsCpu(() => tf.matMul(rand([3, 4096], 1), rand([4096, 5], 2)), { tol: 2e-4 });
    await expectSameAsCpu(() => tf.matMul(rand([2048, 16], 3), rand([2048, 24], 4), true, false), {
      tol: 2e-4,
    });
    await expectSameAsCpu(() => tf.matMul(rand([160, 96], 5), rand([96, 200], 6)));
  });

  it('propagates NaN and infinities', async () => {
    const values = [1, Number.NaN, 0, 2, Number.POSITIVE_INFINITY, 1, 0, 0, Number.NEGATIVE_INFINITY];
    await expectSameAsCpu(() => [
      tf.matMul(tf.tensor2d(values, [3, 3]), tf.eye(3)),
      tf.matMul(tf.eye(3), tf.tensor2d(values, [3, 3]), true, true),
      tf.fused.matMul({ a: tf.tensor2d(values, [3, 3]), b: tf.eye(3), activation: 'sigmoid' }),
    ]);
  });

  it('empty products: a zero M, N, K or batch', async () => {
    await expectSameAsCpu(() => [
      tf.matMul(tf.zeros([0, 3]), tf.ones([3, 4])),
      tf.matMul(tf.ones([2, 3]), tf.zeros([3, 0])),
      tf.matMul(tf.zeros([2, 0]), tf.zeros([0, 3])),
      tf.matMul(tf.zeros([0, 2, 3]), tf.ones([0, 3, 4])),
      tf.matMul(tf.zeros([2, 0, 3]), tf.ones([3, 4])),
    ]);
  });

  it('int32 products wrap exactly like the cpu backend (blocks of 48 summed in double)', async () => {
    const big = Array.from({ length: 100 }, (_, i) => (i % 2 ? 46341 : -65536) + i);
    // Products near 2^62: the double sums round, so where the blocks of 48 end changes the result.
    const huge = Array.from({ length: 100 }, (_, i) => (i % 3 ? 2147483647 : -2147483648) + 1013 * i);
    await expectSameAsCpu(
      () => [
        tf.matMul(
          tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'),
          tf.tensor2d([7, 8, 9, 10, 11, 12], [3, 2], 'int32'),
        ),
        tf.matMul(tf.tensor2d(big, [1, 100], 'int32'), tf.tensor2d(big, [100, 1], 'int32')),
        tf.matMul(tf.tensor2d(big, [10, 10], 'int32'), tf.tensor2d(big, [10, 10], 'int32'), true, true),
        tf.matMul(
          tf.tensor2d([2147483647, 2147483647], [1, 2], 'int32'),
          tf.tensor2d([2147483647, 3], [2, 1], 'int32'),
        ),
        tf.matMul(tf.tensor2d(huge, [1, 100], 'int32'), tf.tensor2d(huge, [100, 1], 'int32')),
        tf.matMul(tf.tensor2d(huge, [2, 50], 'int32'), tf.tensor2d(huge, [2, 50], 'int32'), false, true),
      ],
      EXACT,
    );
  });

  it('reruns are bit-identical', async () => {
    await tf.setBackend('rocm');
    const a = rand([33, 3000], 1);
    const b = rand([3000, 17], 2);
    const first = await tf.matMul(a, b).data();
    const second = await tf.matMul(a, b).data();
    expect(Array.from(second)).toEqual(Array.from(first));
    tf.dispose([a, b]);
  });

  it("throws the cpu backend's error for inner dimensions that differ", async () => {
    await tf.setBackend('rocm');
    const a = tf.ones([2, 3]);
    const b = tf.ones([4, 2]);
    expect(() =>
      tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false }),
    ).toThrow(/inner shapes \(3\) and \(4\)/);
    tf.dispose([a, b]);
  });
});

/** The _FusedMatMul kernel itself (the op reshapes its operands to rank 3 first). */
function fusedKernel(a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  return tf
    .engine()
    .runKernel(
      '_FusedMatMul',
      { a, b, bias },
      { transposeA: false, transposeB: false, activation: 'relu', leakyreluAlpha: 0.2 },
    ) as tf.Tensor;
}

describe('_FusedMatMul matches tfjs-backend-cpu', () => {
  const fused = (
    M: number,
    N: number,
    K: number,
    activation: (typeof ACTIVATIONS)[number],
    bias: Shape | null,
    options: { ta?: boolean; tb?: boolean; batch?: Shape; prelu?: Shape; seed?: number } = {},
  ) => {
    const seed = options.seed ?? 1;
    const [sa, sb] = operandShapes(
      options.batch ?? [],
      [],
      M,
      N,
      K,
      options.ta ?? false,
      options.tb ?? false,
    );
    return tf.fused.matMul({
      a: rand(sa, seed),
      b: rand(sb, seed + 1),
      transposeA: options.ta ?? false,
      transposeB: options.tb ?? false,
      bias: bias ? rand(bias, seed + 2) : undefined,
      activation,
      preluActivationWeights:
        activation === 'prelu' ? rand(options.prelu ?? [N], seed + 3, -0.5, 0.5) : undefined,
      leakyreluAlpha: 0.15,
    });
  };

  it.each(ACTIVATIONS)('%s, with and without a bias, all transposes', async (activation) => {
    for (const [ta, tb] of TRANSPOSES) {
      await expectSameAsCpu(() => [
        fused(7, 9, 11, activation, null, { ta, tb }),
        fused(7, 9, 11, activation, [9], { ta, tb, seed: 2 }),
        fused(40, 10, 300, activation, [10], { ta, tb, seed: 3 }),
      ]);
    }
  });

  it('bias and prelu weights broadcast to the output', async () => {
    await expectSameAsCpu(() => [
      fused(5, 6, 7, 'relu', [1]),
      fused(5, 6, 7, 'relu', []),
      fused(5, 6, 7, 'relu', [5, 1]),
      fused(5, 6, 7, 'relu', [5, 6]),
      fused(5, 6, 7, 'relu', [1, 6]),
      fused(5, 6, 7, 'linear', [3, 5, 6], { batch: [3] }),
      fused(5, 6, 7, 'linear', [3, 1, 6], { batch: [3] }),
      fused(5, 6, 7, 'sigmoid', [1, 5, 1], { batch: [3] }),
      fused(5, 6, 7, 'prelu', [6], { batch: [2], prelu: [5, 6] }),
      fused(5, 6, 7, 'prelu', null, { batch: [2], prelu: [2, 5, 1] }),
      fused(5, 6, 7, 'prelu', null, { prelu: [1] }),
    ]);
  });

  it('int32 with a bias and the int32-valued activations', async () => {
    const a = [3, -4, 5, 6, -7, 8];
    const b = [1, 2, -3, 4, 5, -6];
    for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid'] as const) {
      await expectSameAsCpu(
        () =>
          tf.fused.matMul({
            a: tf.tensor2d(a, [2, 3], 'int32'),
            b: tf.tensor2d(b, [3, 2], 'int32'),
            bias: tf.tensor1d([2147483647, -3], 'int32'),
            activation,
          }),
        EXACT,
      );
    }
  });

  it('empty: K = 0 gives activation(bias)', async () => {
    await expectSameAsCpu(() => [
      tf.fused.matMul({
        a: tf.zeros([2, 0]),
        b: tf.zeros([0, 3]),
        bias: tf.tensor1d([-1, 0.5, 7]),
        activation: 'relu6',
      }),
      tf.fused.matMul({
        a: tf.zeros([0, 4]),
        b: tf.ones([4, 3]),
        bias: tf.tensor1d([1, 2, 3]),
        activation: 'elu',
      }),
    ]);
  });

  it('arguments the device does not take go to the host path, counted, with the same results', async () => {
    await expectSameAsCpu(
      () => [
        // A bias that enlarges the output, one that broadcasts inside the batch dims (the kernel called
        // directly: the op reshapes to rank 3), int32 leakyrelu.
        fusedKernel(rand([2, 3], 1), rand([3, 4], 2), rand([5, 2, 4], 3)),
        fusedKernel(rand([2, 3, 5, 7], 1), rand([7, 6], 2), rand([2, 1, 5, 6], 3)),
        tf.fused.matMul({
          a: tf.tensor2d([1, -2, 3, -4], [2, 2], 'int32'),
          b: tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'),
          activation: 'leakyrelu',
          leakyreluAlpha: 0.5,
        }),
      ],
      { allowHostPath: true },
    );
    callsSince(true);
    await tf.setBackend('rocm');
    tf.tidy(() => fusedKernel(rand([2, 3], 1), rand([3, 4], 2), rand([5, 2, 4], 3)));
    tf.tidy(() => tf.matMul(rand([2, 3], 1), rand([3, 4], 2)));
    // Batch dims that broadcast in both operands: the cpu backend's result has max(batchA, batchB)
    // entries under a shape of more (a malformed tensor): the host path reproduces whatever it does.
    tf.tidy(() => tf.matMul(rand([2, 1, 2, 3], 4), rand([1, 3, 3, 2], 5)));
    const calls = callsSince(true);
    expect(calls.hostPath._FusedMatMul).toBe(1);
    expect(calls.hostPath.BatchMatMul).toBe(1);
    expect(calls.native.BatchMatMul).toBe(1);
  });
});

describe('matmul native argument checks', () => {
  it('refuses views that reach outside their buffers and bad sizes', async () => {
    await tf.setBackend('rocm');
    const backend = rocmBackend()!;
    const a = tf.ones([2, 3]);
    const b = tf.ones([3, 4]);
    const y = tf.zeros([2, 4]);
    const ids = [a, b, y].map((t) => backend.bufferOf(t));
    const call = (args: number[], yId = ids[2]!) => {
      backend.args.set(args);
      backend.device.matmul(backend.nameId('BatchMatMul'), 0, ids[0]!, ids[1]!, -1, -1, yId, 0, 0);
    };
    const good = [1, 2, 4, 3, 1, 6, 3, 1, 1, 12, 4, 1, 1, 0, 0, 0, 1, 0, 0, 0];
    call(good);
    expect(Array.from(await y.data())).toEqual(new Array(8).fill(3));
    expect(() => call([1, 2, 4, 4, ...good.slice(4)])).toThrow(/reaches elements/); // K = 4 reads past a
    expect(() => call([1, 3, 4, 3, ...good.slice(4)])).toThrow(/reaches elements|needs/); // M = 3
    expect(() => call([2, 2, 4, 3, 2, 6, 3, 1, ...good.slice(8)])).toThrow(/reaches elements/); // 2 entries of a
    expect(() => call([1, 2, 4, 3, 0, 6, 3, 1, ...good.slice(8)])).toThrow(/batch count/);
    expect(() => call([1, 2, 4, 3, 1, 6, -3, 1, ...good.slice(8)])).toThrow(/non-negative/);
    expect(() => call([1, 2, 4, 2 ** 31, ...good.slice(4)])).toThrow(/2\^31/);
    expect(() => call(good, 12345)).toThrow(/not a live device buffer/);
    tf.dispose([a, b, y]);
  });
});
