import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import '../src/index.js';
import { expectSameAsCpu, randomValues } from './helpers.js';

// Convolutions go through conv-bypass's strategy router on device buffers; these compare every conv
// kernel with tfjs-backend-cpu. Sum is allowed on the host path only where a test needs a scalar loss
// and the reduction kernels are not part of the comparison.
type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

const geometry = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 3, max: 9 }),
  w: fc.integer({ min: 3, max: 9 }),
  c: fc.integer({ min: 1, max: 5 }),
  k: fc.integer({ min: 1, max: 6 }),
  r: fc.integer({ min: 1, max: 3 }),
  s: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }),
  dilation: fc.integer({ min: 1, max: 2 }),
  pad: fc.constantFrom<Pad>('same', 'valid', [
    [0, 0],
    [1, 0],
    [0, 2],
    [0, 0],
  ]),
  seed: fc.integer({ min: 1, max: 1000 }),
});

function tensors(g: {
  n: number;
  h: number;
  w: number;
  c: number;
  k: number;
  r: number;
  s: number;
  seed: number;
}) {
  return {
    x: () => tf.tensor4d(randomValues(g.n * g.h * g.w * g.c, g.seed), [g.n, g.h, g.w, g.c]),
    f: () => tf.tensor4d(randomValues(g.r * g.s * g.c * g.k, g.seed + 1), [g.r, g.s, g.c, g.k]),
  };
}

describe('convolutions on the rocm backend match tfjs-backend-cpu', () => {
  it('conv2d forward and both gradients over random geometries', async () => {
    await fc.assert(
      fc.asyncProperty(geometry, async (g) => {
        // TF.js does not allow strides > 1 together with dilations > 1.
        const dilation = g.stride > 1 ? 1 : g.dilation;
        const { x, f } = tensors(g);
        await expectSameAsCpu(
          () => {
            const xv = x();
            const fv = f();
            const y = tf.conv2d(xv, fv, g.stride, g.pad, 'NHWC', dilation);
            // TF.js has no gradients for dilations > 1.
            if (dilation > 1) return y;
            const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
              tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, g.stride, g.pad),
            )([xv, fv], tf.onesLike(y));
            return [y, dx!, df!];
          },
          { tol: 1e-4 },
        );
      }),
      { numRuns: 25, seed: 5 },
    );
  });

  it('depthwise conv2d forward and both gradients', async () => {
    await fc.assert(
      fc.asyncProperty(geometry, fc.integer({ min: 1, max: 3 }), async (g, m) => {
        const dilation = g.stride > 1 ? 1 : g.dilation;
        const x = () => tf.tensor4d(randomValues(g.n * g.h * g.w * g.c, g.seed), [g.n, g.h, g.w, g.c]);
        const f = () => tf.tensor4d(randomValues(g.r * g.s * g.c * m, g.seed + 2), [g.r, g.s, g.c, m]);
        const pad = g.pad === 'valid' ? 'valid' : 'same';
        await expectSameAsCpu(() => {
          const xv = x();
          const fv = f();
          const y = tf.depthwiseConv2d(xv, fv, g.stride, pad, 'NHWC', dilation);
          if (dilation > 1) return y;
          const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
            tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, g.stride, pad),
          )([xv, fv], tf.onesLike(y));
          return [y, dx!, df!];
        });
      }),
      { numRuns: 15, seed: 9 },
    );
  });

  it.each(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const)(
    'fused conv2d with bias and %s',
    async (activation) => {
      const g = { n: 2, h: 6, w: 5, c: 3, k: 4, r: 3, s: 3, seed: 11 };
      const { x, f } = tensors(g);
      await expectSameAsCpu(() => [
        tf.fused.conv2d({
          x: x(),
          filter: f(),
          strides: 1,
          pad: 'same',
          bias: tf.tensor1d([0.5, -0.25, 1, -1]),
          activation,
          preluActivationWeights: activation === 'prelu' ? tf.tensor1d([0.1, 0.2, 0.3, 0.4]) : undefined,
          leakyreluAlpha: 0.3,
        }),
        tf.fused.depthwiseConv2d({
          x: x(),
          filter: tf.tensor4d(randomValues(9 * 3 * 2, 3), [3, 3, 3, 2]),
          strides: 1,
          pad: 'valid',
          bias: tf.tensor1d([1, 2, 3, 4, 5, 6]),
          activation,
          preluActivationWeights: activation === 'prelu' ? tf.scalar(0.2) : undefined,
          leakyreluAlpha: 0.3,
        }),
      ]);
    },
  );

  it('NCHW data format', async () => {
    const x = randomValues(2 * 3 * 5 * 5, 4);
    const f = randomValues(3 * 3 * 3 * 2, 6);
    await expectSameAsCpu(() =>
      tf.conv2d(tf.tensor4d(x, [2, 3, 5, 5]), tf.tensor4d(f, [3, 3, 3, 2]), 1, 'same', 'NCHW'),
    );
  });

  it('conv2dTranspose, including an outputShape smaller than the geometry implies (host path, counted)', async () => {
    const x = randomValues(1 * 4 * 4 * 3, 8);
    const f = randomValues(3 * 3 * 2 * 3, 9);
    await expectSameAsCpu(() =>
      tf.conv2dTranspose(tf.tensor4d(x, [1, 4, 4, 3]), tf.tensor4d(f, [3, 3, 2, 3]), [1, 8, 8, 2], 2, 'same'),
    );
    const big = randomValues(8 * 8 * 8, 10);
    const filter = randomValues(8 * 8 * 8 * 8, 12);
    await expectSameAsCpu(
      () =>
        tf.conv2dTranspose(
          tf.tensor3d(big, [8, 8, 8]),
          tf.tensor4d(filter, [8, 8, 8, 8]),
          [4, 4, 8],
          1,
          'same',
        ),
      { allowHostPath: true },
    );
  });
});
