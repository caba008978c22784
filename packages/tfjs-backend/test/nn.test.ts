// The nn family (pooling, FusedBatchNorm, Softmax, resizing, LRN; forward and gradient) against
// tfjs-backend-cpu, in strict mode wherever the computation uses this family's and the elementwise
// kernels only. Computations that also need kernels other families implement (Sum, Max, Tile, MatMul:
// gradients of softmax and batchNorm, logSoftmax, a tfjs-layers model) allow the host path for kernels
// that have no device implementation in this build, and check that every kernel that has one ran on
// the device.
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deviceKernelNames,
  getBackendReport,
  resetBackendReport,
  rocmBackend,
  setStrict,
} from '../src/index.js';
import { expectSameAsCpu, randomValues } from './helpers.js';

type Pad =
  | 'valid'
  | 'same'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

function shapeSize(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Random values with a few NaN / ±Infinity / repeated values mixed in (`specials`). */
function poolValues(n: number, seed: number, specials = false): Float32Array {
  const v = randomValues(n, seed, -2, 2);
  if (specials && n > 6) {
    v[1] = Number.NaN;
    v[n - 2] = Number.NEGATIVE_INFINITY;
    v[Math.floor(n / 2)] = Number.POSITIVE_INFINITY;
  }
  return v;
}

/**
 * Runs fn on cpu and on 'rocm' without strict mode, compares, and expects that only kernels without a
 * device implementation in this build took the host path, and that each kernel of `native` ran natively.
 */
async function expectSameAsCpuNativeWherePossible(
  fn: () => tf.Tensor | tf.Tensor[],
  native: string[],
  tol = 1e-4,
): Promise<void> {
  await tf.setBackend('rocm');
  resetBackendReport();
  await expectSameAsCpu(fn, { allowHostPath: true, tol });
  const report = getBackendReport();
  const device = new Set(deviceKernelNames());
  const refused = Object.keys(report.hostPath).filter((k) => device.has(k));
  expect(refused, `kernels with a device implementation that took the host path: ${refused}`).toEqual([]);
  for (const k of native) expect(report.native[k] ?? 0, `${k} ran natively`).toBeGreaterThan(0);
}

describe('2-D pooling matches tfjs-backend-cpu', () => {
  const CASES: {
    shape: number[];
    filter: number | [number, number];
    stride: number | [number, number];
    pad: Pad;
    rounding?: Rounding;
  }[] = [
    { shape: [1, 4, 4, 1], filter: 2, stride: 2, pad: 'valid' },
    { shape: [2, 5, 7, 3], filter: 3, stride: 1, pad: 'same' },
    { shape: [2, 5, 7, 3], filter: 3, stride: 2, pad: 'same' },
    { shape: [3, 7, 5, 9], filter: [2, 3], stride: [2, 1], pad: 'same' },
    { shape: [1, 9, 9, 2], filter: [3, 2], stride: [3, 2], pad: 'valid' },
    { shape: [2, 6, 6, 4], filter: 3, stride: 2, pad: 1, rounding: 'floor' },
    { shape: [2, 6, 6, 4], filter: 3, stride: 2, pad: 1, rounding: 'round' },
    { shape: [2, 6, 6, 4], filter: 3, stride: 2, pad: 1, rounding: 'ceil' },
    {
      shape: [1, 5, 6, 5],
      filter: [3, 3],
      stride: 1,
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    },
    { shape: [2, 3, 3, 7], filter: 3, stride: 1, pad: 2 }, // windows entirely in the padding
    { shape: [1, 1, 1, 6], filter: 1, stride: 1, pad: 'valid' }, // cpu's identity case
    { shape: [2, 8, 3, 1], filter: [4, 1], stride: [3, 1], pad: 'same' },
  ];

  it.each(CASES)(
    'maxPool and avgPool, x $shape, filter $filter, stride $stride, pad $pad $rounding',
    async (c) => {
      const v = poolValues(shapeSize(c.shape), 11, true);
      const pad = c.pad as 'valid';
      await expectSameAsCpu(() => {
        const x = tf.tensor4d(v, c.shape as [number, number, number, number]);
        const finite = tf.tensor4d(
          poolValues(shapeSize(c.shape), 12),
          c.shape as [number, number, number, number],
        );
        return [
          tf.maxPool(x, c.filter, c.stride, pad, c.rounding),
          tf.avgPool(finite, c.filter, c.stride, pad, c.rounding),
          tf.avgPool(x, c.filter, c.stride, pad, c.rounding),
        ];
      });
    },
  );

  it.each(CASES)(
    'maxPool and avgPool gradients, x $shape, filter $filter, stride $stride, pad $pad',
    async (c) => {
      const shape = c.shape as [number, number, number, number];
      const pad = c.pad as 'valid';
      const v = poolValues(shapeSize(shape), 21, true);
      await expectSameAsCpu(() => {
        const x = tf.tensor4d(v, shape);
        const y = tf.maxPool(x, c.filter, c.stride, pad, c.rounding);
        const dy = tf.tensor(poolValues(y.size, 22), y.shape);
        const maxGrad = tf.grad((t: tf.Tensor) =>
          tf.maxPool(t as tf.Tensor4D, c.filter, c.stride, pad, c.rounding),
        )(x, dy);
        const avgGrad = tf.grad((t: tf.Tensor) =>
          tf.avgPool(t as tf.Tensor4D, c.filter, c.stride, pad, c.rounding),
        )(x, dy);
        return [maxGrad, avgGrad];
      });
    },
  );

  it('maxPool gradient takes the first maximum in scan order on ties', async () => {
    // Integer values: every window has ties.
    const v = Float32Array.from({ length: 2 * 6 * 6 * 3 }, (_, i) => (i * 7) % 3);
    await expectSameAsCpu(() => {
      const x = tf.tensor4d(v, [2, 6, 6, 3]);
      const dy = tf.tensor4d(poolValues(2 * 5 * 5 * 3, 5), [2, 5, 5, 3]);
      return tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 1, 'valid'))(x, dy);
    });
  });

  it('random pools (fast-check): shapes, filters, strides, padding, batch > 1, channels 1..9', async () => {
    const config = fc.record({
      batch: fc.integer({ min: 1, max: 3 }),
      h: fc.integer({ min: 1, max: 9 }),
      w: fc.integer({ min: 1, max: 9 }),
      c: fc.integer({ min: 1, max: 9 }),
      fh: fc.integer({ min: 1, max: 4 }),
      fw: fc.integer({ min: 1, max: 4 }),
      sh: fc.integer({ min: 1, max: 3 }),
      sw: fc.integer({ min: 1, max: 3 }),
      pad: fc.constantFrom<'valid' | 'same'>('valid', 'same'),
      seed: fc.integer({ min: 1, max: 1000 }),
    });
    await fc.assert(
      fc.asyncProperty(config, async (k) => {
        if (k.pad === 'valid' && (k.fh > k.h || k.fw > k.w)) return; // no output
        const shape: [number, number, number, number] = [k.batch, k.h, k.w, k.c];
        const v = poolValues(shapeSize(shape), k.seed);
        await expectSameAsCpu(() => {
          const x = tf.tensor4d(v, shape);
          const f: [number, number] = [k.fh, k.fw];
          const s: [number, number] = [k.sh, k.sw];
          const y = tf.maxPool(x, f, s, k.pad);
          const dy = tf.tensor(poolValues(y.size, k.seed + 1), y.shape);
          return [
            y,
            tf.avgPool(x, f, s, k.pad),
            tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, f, s, k.pad))(x, dy),
            tf.grad((t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, f, s, k.pad))(x, dy),
          ];
        });
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('maxPoolWithArgmax: values and flat indices, with and without the batch', async () => {
    const shape: [number, number, number, number] = [3, 5, 6, 4];
    const v = poolValues(shapeSize(shape), 31, true);
    await expectSameAsCpu(() => {
      const x = tf.tensor4d(v, shape);
      const a = tf.maxPoolWithArgmax(x, 2, 2, 'same', false);
      const b = tf.maxPoolWithArgmax(x, [3, 2], [1, 2], 'valid', true);
      return [a.result, a.indexes, b.result, b.indexes] as tf.Tensor[];
    });
  });

  it('rank-3 input and an empty batch', async () => {
    await expectSameAsCpu(() => [
      tf.maxPool(tf.tensor3d(poolValues(5 * 5 * 2, 41), [5, 5, 2]), 2, 1, 'same'),
      tf.avgPool(tf.zeros([0, 4, 4, 3]) as tf.Tensor4D, 2, 2, 'valid'),
      tf.maxPool(tf.zeros([0, 4, 4, 3]) as tf.Tensor4D, 2, 2, 'valid'),
    ]);
  });
});

describe('3-D pooling matches tfjs-backend-cpu', () => {
  const CASES: {
    shape: number[];
    filter: number | [number, number, number];
    stride: number | [number, number, number];
    pad: 'valid' | 'same' | number;
    rounding?: Rounding;
  }[] = [
    { shape: [1, 4, 4, 4, 1], filter: 2, stride: 2, pad: 'valid' },
    { shape: [2, 3, 5, 4, 3], filter: [2, 3, 2], stride: 1, pad: 'same' },
    { shape: [1, 5, 3, 6, 2], filter: [3, 2, 3], stride: [2, 1, 2], pad: 'same' },
    { shape: [2, 4, 4, 5, 2], filter: 3, stride: 2, pad: 1, rounding: 'ceil' },
    { shape: [1, 2, 2, 2, 5], filter: 3, stride: 1, pad: 2 },
  ];

  it.each(CASES)(
    'maxPool3d, avgPool3d and their gradients, x $shape, filter $filter, pad $pad',
    async (c) => {
      const shape = c.shape as [number, number, number, number, number];
      const v = poolValues(shapeSize(shape), 51, true);
      const finite = poolValues(shapeSize(shape), 52);
      await expectSameAsCpu(() => {
        const x = tf.tensor5d(v, shape);
        const xf = tf.tensor5d(finite, shape);
        const y = tf.maxPool3d(x, c.filter, c.stride, c.pad, c.rounding);
        const dy = tf.tensor(poolValues(y.size, 53), y.shape);
        return [
          y,
          tf.avgPool3d(xf, c.filter, c.stride, c.pad, c.rounding),
          tf.avgPool3d(x, c.filter, c.stride, c.pad, c.rounding),
          tf.grad((t: tf.Tensor) => tf.maxPool3d(t as tf.Tensor5D, c.filter, c.stride, c.pad, c.rounding))(
            xf,
            dy,
          ),
          tf.grad((t: tf.Tensor) => tf.maxPool3d(t as tf.Tensor5D, c.filter, c.stride, c.pad, c.rounding))(
            x,
            dy,
          ),
          tf.grad((t: tf.Tensor) => tf.avgPool3d(t as tf.Tensor5D, c.filter, c.stride, c.pad, c.rounding))(
            x,
            dy,
          ),
        ];
      });
    },
  );

  it('maxPool3d gradient follows cpu on ties (last maximum) and its position encoding', async () => {
    // Non-cubic filter (effective height ≠ width: cpu's encoding slip shows) over tied values.
    const shape: [number, number, number, number, number] = [1, 3, 4, 5, 2];
    const v = Float32Array.from({ length: shapeSize(shape) }, (_, i) => (i * 5) % 4);
    await expectSameAsCpu(() => {
      const x = tf.tensor5d(v, shape);
      const y = tf.maxPool3d(x, [2, 2, 3], 1, 'valid');
      const dy = tf.tensor(poolValues(y.size, 61), y.shape);
      return tf.grad((t: tf.Tensor) => tf.maxPool3d(t as tf.Tensor5D, [2, 2, 3], 1, 'valid'))(x, dy);
    });
  });
});

describe('batchNorm matches tfjs-backend-cpu', () => {
  const X: [number, number, number, number] = [2, 3, 4, 5];
  const xv = randomValues(shapeSize(X), 71, -3, 3);
  const p = (seed: number, n: number, lo = -1, hi = 1) => randomValues(n, seed, lo, hi);

  it('1-D parameters, with and without scale and offset', async () => {
    await expectSameAsCpu(() => {
      const x = tf.tensor4d(xv, X);
      const mean = tf.tensor1d(p(72, 5));
      const variance = tf.tensor1d(p(73, 5, 0.1, 2));
      const offset = tf.tensor1d(p(74, 5));
      const scale = tf.tensor1d(p(75, 5));
      return [
        tf.batchNorm(x, mean, variance, offset, scale, 0.01),
        tf.batchNorm(x, mean, variance, undefined, scale),
        tf.batchNorm(x, mean, variance, offset),
        tf.batchNorm(x, mean, variance),
      ];
    });
  });

  it('full-shape and scalar parameters, ranks 1 to 4', async () => {
    await expectSameAsCpu(() => {
      const x = tf.tensor4d(xv, X);
      const full = (seed: number, lo = -1, hi = 1) => tf.tensor4d(p(seed, shapeSize(X), lo, hi), X);
      return [
        tf.batchNorm(x, full(76), full(77, 0.1, 2), full(78), full(79)),
        tf.batchNorm(x, tf.scalar(0.5), tf.scalar(2), tf.scalar(1), tf.scalar(3)),
        tf.batchNorm(tf.tensor1d(p(80, 6)), tf.tensor1d(p(81, 6)), tf.tensor1d(p(82, 6, 0.1, 1))),
        tf.batchNorm(tf.tensor2d(p(83, 12), [3, 4]), tf.tensor1d(p(84, 4)), tf.tensor1d(p(85, 4, 0.1, 1))),
        tf.batchNorm(
          tf.tensor3d(p(86, 24), [2, 3, 4]),
          tf.tensor1d(p(87, 4)),
          tf.tensor1d(p(88, 4, 0.1, 1)),
          tf.tensor1d(p(89, 4)),
          tf.tensor1d(p(90, 4)),
        ),
      ];
    });
  });

  it('parameters of different lengths, each cycled on its own', async () => {
    await expectSameAsCpu(() => {
      const x = tf.tensor4d(xv, X);
      return [
        tf.batchNorm(
          x,
          tf.tensor1d([0.5]),
          tf.tensor1d(p(96, 5, 0.1, 2)),
          tf.tensor1d([0.25]),
          tf.tensor1d(p(97, 5)),
        ),
        tf.batchNorm(
          x,
          tf.tensor2d(p(98, 20), [4, 5]),
          tf.tensor2d([1.5], [1, 1]),
          undefined,
          tf.tensor2d(p(99, 5), [1, 5]),
        ),
      ];
    });
  });

  it("cpu's rank checks, with its message", async () => {
    await tf.setBackend('rocm');
    expect(() =>
      tf.engine().runKernel(
        'FusedBatchNorm',
        { x: tf.ones([1, 1, 2, 2]), mean: tf.ones([2]), variance: tf.ones([1, 2]) },
        {
          varianceEpsilon: 0.001,
        },
      ),
    ).toThrow(/mean and variance to have equal ranks/);
  });

  it('gradients (composed by tfjs-core of elementwise kernels, Sum and Tile)', async () => {
    await expectSameAsCpuNativeWherePossible(() => {
      const x = tf.tensor4d(xv, X);
      const mean = tf.tensor1d(p(91, 5));
      const variance = tf.tensor1d(p(92, 5, 0.1, 2));
      const offset = tf.tensor1d(p(93, 5));
      const scale = tf.tensor1d(p(94, 5));
      const dy = tf.tensor4d(p(95, shapeSize(X)), X);
      const g = tf.grads((a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
        tf.batchNorm(a, m, v, o, s),
      );
      return g([x, mean, variance, offset, scale], dy);
    }, ['FusedBatchNorm']);
  });
});

describe('softmax matches tfjs-backend-cpu', () => {
  it('rows of length 1, 7, 1000 and 3000; large magnitudes (stability); ranks 1 to 3', async () => {
    await expectSameAsCpu(
      () => [
        tf.softmax(tf.tensor2d(randomValues(5, 101, -3, 3), [5, 1])),
        tf.softmax(tf.tensor2d(randomValues(4 * 7, 102, -3, 3), [4, 7])),
        tf.softmax(tf.tensor2d(randomValues(3 * 1000, 103, -20, 20), [3, 1000])),
        tf.softmax(tf.tensor2d(randomValues(2 * 3000, 104, -5, 5), [2, 3000])),
        tf.softmax(tf.tensor1d([1000, 1001, 999, -1000])),
        tf.softmax(tf.tensor2d([-1e30, -1e30, 3e38, 1e38, 88, 89, -88, -89], [4, 2])),
        tf.softmax(tf.tensor3d(randomValues(2 * 3 * 33, 105, -60, 60), [2, 3, 33])),
        tf.softmax(tf.tensor2d(randomValues(300, 106), [300, 1]).reshape([3, 100]), 1),
      ],
      { tol: 1e-6 },
    );
  });

  it('NaN and infinities propagate as in cpu', async () => {
    const inf = Number.POSITIVE_INFINITY;
    await expectSameAsCpu(() =>
      tf.softmax(
        tf.tensor2d([1, Number.NaN, 2, 3, -inf, -inf, -inf, -inf, inf, 1, 2, 3, -inf, 0, 1, 2], [4, 4]),
      ),
    );
  });

  it('empty tensors', async () => {
    await expectSameAsCpu(() => [tf.softmax(tf.zeros([0, 5])), tf.softmax(tf.zeros([3, 0]))]);
  });

  it('a non-last axis goes to cpu, which throws its error', async () => {
    await tf.setBackend('rocm');
    expect(() => tf.engine().runKernel('Softmax', { logits: tf.ones([2, 3]) }, { dim: 0 })).toThrow(
      /non-last dimension/,
    );
  });

  it('gradient and logSoftmax (tfjs-core composes them with Sum and Max)', async () => {
    await expectSameAsCpuNativeWherePossible(() => {
      const x = tf.tensor2d(randomValues(4 * 1100, 107, -10, 10), [4, 1100]);
      const dy = tf.tensor2d(randomValues(4 * 1100, 108), [4, 1100]);
      return [
        tf.grad((t: tf.Tensor) => tf.softmax(t))(x, dy),
        tf.logSoftmax(x),
        tf.grad((t: tf.Tensor) => tf.logSoftmax(t))(x, dy),
      ];
    }, ['Softmax']);
  });
});

describe('resizing matches tfjs-backend-cpu', () => {
  const FLAGS = [
    { alignCorners: false, halfPixelCenters: false },
    { alignCorners: true, halfPixelCenters: false },
    { alignCorners: false, halfPixelCenters: true },
  ];
  const SIZES: { from: [number, number]; to: [number, number] }[] = [
    { from: [4, 4], to: [8, 8] }, // up
    { from: [8, 8], to: [3, 3] }, // down
    { from: [5, 7], to: [9, 4] }, // mixed, non-square
    { from: [1, 1], to: [3, 2] }, // from one pixel
    { from: [3, 6], to: [1, 1] }, // to one pixel
    { from: [6, 6], to: [6, 6] }, // same size
  ];

  for (const f of FLAGS) {
    it.each(SIZES)(
      `resizeBilinear and resizeNearestNeighbor (${JSON.stringify(f)}), $from → $to`,
      async ({ from, to }) => {
        const shape: [number, number, number, number] = [2, from[0], from[1], 3];
        const v = randomValues(shapeSize(shape), 111, -5, 5);
        const ints = Int32Array.from(v, (x) => Math.round(x * 1000));
        await expectSameAsCpu(() => {
          const x = tf.tensor4d(v, shape);
          const xi = tf.tensor4d(ints, shape, 'int32');
          return [
            tf.image.resizeBilinear(x, to, f.alignCorners, f.halfPixelCenters),
            tf.image.resizeNearestNeighbor(x, to, f.alignCorners, f.halfPixelCenters),
            tf.image.resizeNearestNeighbor(xi, to, f.alignCorners, f.halfPixelCenters),
            tf.image.resizeBilinear(xi, to, f.alignCorners, f.halfPixelCenters),
          ];
        });
      },
    );

    it.each(SIZES.filter((s) => s.from[0] === s.from[1] && !(f.alignCorners && s.from[0] === 1)))(
      `resize gradients (${JSON.stringify(f)}), $from → $to`,
      async ({ from, to }) => {
        // Square images: cpu's ResizeBilinearGrad reports [batch, width, height, c]. Batch 1 for the
        // nearest gradient: cpu's steps through dy with the images' batch stride (wrong for batch > 1; see
        // the next test).
        const shape: [number, number, number, number] = [2, from[0], from[1], 3];
        const v = randomValues(shapeSize(shape), 121, -5, 5);
        const dyv = randomValues(2 * to[0] * to[1] * 3, 122);
        await expectSameAsCpu(() => {
          const x = tf.tensor4d(v, shape);
          const dy = tf.tensor4d(dyv, [2, to[0], to[1], 3]);
          const x1 = tf.tensor4d(v.subarray(0, shapeSize(shape) / 2), [1, from[0], from[1], 3]);
          const dy1 = tf.tensor4d(dyv.subarray(0, dyv.length / 2), [1, to[0], to[1], 3]);
          return [
            tf.grad((t: tf.Tensor) =>
              tf.image.resizeBilinear(t as tf.Tensor4D, to, f.alignCorners, f.halfPixelCenters),
            )(x, dy),
            tf.grad((t: tf.Tensor) =>
              tf.image.resizeNearestNeighbor(t as tf.Tensor4D, to, f.alignCorners, f.halfPixelCenters),
            )(x1, dy1),
          ];
        });
      },
    );

    it.each(SIZES.filter((s) => !(f.alignCorners && s.from[0] === 1)))(
      `resizeNearestNeighbor gradient of a batch equals cpu's image by image (${JSON.stringify(f)}), $from → $to`,
      async ({ from, to }) => {
        const shape: [number, number, number, number] = [3, from[0], from[1], 2];
        const v = randomValues(shapeSize(shape), 123, -5, 5);
        const dyv = randomValues(3 * to[0] * to[1] * 2, 124);
        const grad = (x: tf.Tensor4D, dy: tf.Tensor4D) =>
          tf.grad((t: tf.Tensor) =>
            tf.image.resizeNearestNeighbor(t as tf.Tensor4D, to, f.alignCorners, f.halfPixelCenters),
          )(x, dy);
        await tf.setBackend('cpu');
        const expected: number[] = [];
        const image = shapeSize(shape) / 3;
        const dyImage = dyv.length / 3;
        for (let b = 0; b < 3; b++) {
          const g = tf.tidy(() =>
            grad(
              tf.tensor4d(v.subarray(b * image, (b + 1) * image), [1, from[0], from[1], 2]),
              tf.tensor4d(dyv.subarray(b * dyImage, (b + 1) * dyImage), [1, to[0], to[1], 2]),
            ),
          );
          expected.push(...(await g.data()));
          g.dispose();
        }
        await tf.setBackend('rocm');
        setStrict(true);
        try {
          const g = tf.tidy(() => grad(tf.tensor4d(v, shape), tf.tensor4d(dyv, [3, to[0], to[1], 2])));
          const actual = Array.from(await g.data());
          g.dispose();
          expect(actual.length).toBe(expected.length);
          for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 5);
        } finally {
          setStrict(false);
        }
      },
    );
  }

  it('gradients of non-square images have the images’ shape (cpu reports width and height swapped)', async () => {
    await tf.setBackend('rocm');
    const x = tf.ones([1, 2, 5, 1]) as tf.Tensor4D;
    const g = tf.grad((t: tf.Tensor) => tf.image.resizeBilinear(t as tf.Tensor4D, [4, 10]))(
      x,
      tf.ones([1, 4, 10, 1]),
    );
    expect(g.shape).toEqual([1, 2, 5, 1]);
    // Every dy element spreads weight 1 over x: the gradient sums to dy's element count.
    expect(Array.from(await g.data()).reduce((a, b) => a + b, 0)).toBeCloseTo(40, 4);
    tf.dispose([x, g]);
  });

  it('nearest gradient with alignCorners from a one-pixel image (cpu never returns there): all of dy', async () => {
    await tf.setBackend('rocm');
    const dy = tf.tensor4d(randomValues(5 * 3, 131), [1, 5, 3, 1]);
    const x = tf.ones([1, 1, 3, 1]) as tf.Tensor4D;
    const g = tf.grad((t: tf.Tensor) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [5, 3], true))(
      x,
      dy,
    );
    const expected = tf.sum(dy, [1], true);
    const [gv, ev] = [await g.data(), await expected.data()];
    for (let i = 0; i < 3; i++) expect(gv[i]).toBeCloseTo(ev[i]!, 5);
    tf.dispose([dy, x, g, expected]);
  });
});

describe('LRN matches tfjs-backend-cpu', () => {
  it.each([
    { radius: 0, bias: 1, alpha: 1, beta: 0.5 },
    { radius: 2, bias: 1, alpha: 0.5, beta: 0.75 },
    { radius: 5, bias: 2, alpha: 0.1, beta: 0.6 },
    { radius: 20, bias: 0.5, alpha: 1e-3, beta: 1 },
  ])('forward and gradient, depthRadius $radius', async (k) => {
    const shape: [number, number, number, number] = [2, 3, 4, 9];
    const v = randomValues(shapeSize(shape), 141, -2, 2);
    const dyv = randomValues(shapeSize(shape), 142);
    await expectSameAsCpu(() => {
      const x = tf.tensor4d(v, shape);
      const dy = tf.tensor4d(dyv, shape);
      const f = (t: tf.Tensor) =>
        tf.localResponseNormalization(t as tf.Tensor4D, k.radius, k.bias, k.alpha, k.beta);
      return [f(x), tf.grad(f)(x, dy)];
    });
  });
});

describe('edge cases', () => {
  it('empty tensors', async () => {
    await expectSameAsCpu(() => [
      tf.batchNorm(tf.zeros([0, 2, 2, 3]), tf.ones([3]), tf.ones([3])),
      tf.image.resizeBilinear(tf.zeros([0, 4, 4, 2]) as tf.Tensor4D, [3, 3]),
      tf.image.resizeNearestNeighbor(tf.ones([1, 4, 4, 2]) as tf.Tensor4D, [0, 3]),
      tf.localResponseNormalization(tf.zeros([1, 0, 2, 3]) as tf.Tensor4D),
      tf.maxPool3d(tf.zeros([0, 2, 2, 2, 1]) as tf.Tensor5D, 1, 1, 'valid'),
    ]);
  });

  it('arguments the device kernels do not take run on the host path, counted, with cpu’s result', async () => {
    await tf.setBackend('rocm');
    resetBackendReport();
    await expectSameAsCpu(
      () => [
        // int32 max pooling (the device pools compute on float32)
        tf.maxPool(tf.tensor4d([1, 5, -3, 7, 2, 2, 9, 0], [1, 2, 2, 2], 'int32'), 2, 1, 'valid'),
        // an empty image resized to a non-empty one
        tf.image.resizeBilinear(tf.zeros([1, 0, 2, 1]) as tf.Tensor4D, [2, 2]),
      ],
      { allowHostPath: true },
    );
    const r = getBackendReport();
    expect(r.hostPathReasons).toMatchObject({ MaxPool: 'int32 input', ResizeBilinear: 'empty source image' });
  });
});

describe('native validation', () => {
  it('refuses a buffer too small for the geometry before touching memory', async () => {
    await tf.setBackend('rocm');
    const backend = rocmBackend()!;
    const x = tf.ones([1, 2, 2, 1]);
    const y = tf.zeros([1]);
    const args = backend.args;
    args.set([1, 1, 4, 4, 1, 1, 2, 2, 1, 2, 2, 1, 2, 2, 1, 1, 1, 0, 0, 0], 0);
    const id = (t: tf.Tensor) => backend.bufferOf(t);
    expect(() =>
      backend.device.pool(backend.nameId('MaxPool'), id(x), id(y), -1, 0, 0, true, false, false, 2),
    ).toThrow(/x needs 16 elements/);
    args.set([1, 1, 2, 2, 1, 1, 1, 1, 1, 2, 2, 1, 0, 1, 1, 1, 1, 0, 0, 0], 0);
    expect(() =>
      backend.device.pool(backend.nameId('MaxPool'), id(x), id(y), -1, 0, 0, true, false, false, 2),
    ).toThrow(/strides and dilations must be ≥ 1/);
    tf.dispose([x, y]);
  });
});

describe('a tfjs-layers model trains on rocm as on cpu', () => {
  it('maxPooling2d, batchNormalization, dense and softmax: 3 trainOnBatch steps, same losses', async () => {
    const build = () => {
      const model = tf.sequential();
      // No convolution in the model (that family is written elsewhere): a dense layer over the channels
      // feeds the pool, so the gradient flows through MaxPoolGrad.
      model.add(tf.layers.dense({ inputShape: [8, 8, 3], units: 4, activation: 'relu' }));
      model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
      model.add(tf.layers.batchNormalization());
      model.add(tf.layers.flatten());
      model.add(tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: 'glorotUniform' }));
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
      return model;
    };
    const xs = randomValues(6 * 8 * 8 * 3, 151, -1, 1);
    const labels = Float32Array.from({ length: 6 * 5 }, (_, i) => (i % 5 === Math.floor(i / 5) % 5 ? 1 : 0));
    const train = async (backend: string) => {
      await tf.setBackend(backend);
      if (backend === 'rocm') resetBackendReport();
      const model = build();
      // Same initial weights on both backends.
      const init = model
        .getWeights()
        .map((w, i) => tf.tensor(randomValues(w.size, 160 + i, -0.5, 0.5), w.shape));
      model.setWeights(init);
      tf.dispose(init);
      const x = tf.tensor4d(xs, [6, 8, 8, 3]);
      const y = tf.tensor2d(labels, [6, 5]);
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) losses.push((await model.trainOnBatch(x, y)) as number);
      tf.dispose([x, y]);
      model.dispose();
      return losses;
    };
    const cpu = await train('cpu');
    const rocm = await train('rocm');
    const report = getBackendReport();
    for (let i = 0; i < 3; i++)
      expect(Math.abs(rocm[i]! - cpu[i]!)).toBeLessThanOrEqual(1e-4 * Math.abs(cpu[i]!));
    // Host path: convolution and matmul kernels, and kernels with no device implementation in this build.
    const device = new Set(deviceKernelNames());
    const convOrMatMul = (k: string) => /^(Conv2D|Conv3D|DepthwiseConv2d|_?Fused|BatchMatMul|MatMul)/.test(k);
    const unexpected = Object.keys(report.hostPath).filter((k) => !convOrMatMul(k) && device.has(k));
    expect(unexpected).toEqual([]);
    for (const k of ['MaxPool', 'MaxPoolGrad', 'FusedBatchNorm', 'Softmax'])
      expect(report.native[k] ?? 0).toBeGreaterThan(0);
  });
});
