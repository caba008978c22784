import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../src/index.js';
import { expectSameAsCpu, randomValues } from './helpers.js';

const UNARY = [
  'abs',
  'acos',
  'acosh',
  'asin',
  'asinh',
  'atan',
  'atanh',
  'ceil',
  'cos',
  'cosh',
  'elu',
  'erf',
  'exp',
  'expm1',
  'floor',
  'isFinite',
  'isInf',
  'isNaN',
  'log',
  'log1p',
  'neg',
  'reciprocal',
  'relu',
  'relu6',
  'round',
  'rsqrt',
  'selu',
  'sigmoid',
  'sign',
  'sin',
  'sinh',
  'softplus',
  'sqrt',
  'square',
  'step',
  'tan',
  'tanh',
] as const;

// Values that exercise the edges: signs, zero, halves (Round), large, NaN and infinities.
const EDGES = [
  -3.5,
  -2.5,
  -1,
  -0.5,
  0,
  0.5,
  1.5,
  2.5,
  7,
  90,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

describe('elementwise kernels match tfjs-backend-cpu', () => {
  it.each(UNARY)('%s on float32 (edges and random values)', async (op) => {
    const values = [...EDGES, ...randomValues(40, 7, -3, 3)];
    await expectSameAsCpu(() => (tf[op] as (x: tf.Tensor) => tf.Tensor)(tf.tensor1d(values)), { tol: 1e-5 });
  });

  it.each(['abs', 'neg', 'square', 'sign', 'relu'] as const)('%s on int32', async (op) => {
    await expectSameAsCpu(() =>
      (tf[op] as (x: tf.Tensor) => tf.Tensor)(tf.tensor1d([-5, -1, 0, 3, 46341], 'int32')),
    );
  });

  it('clipByValue, leakyRelu and prelu take their attributes', async () => {
    const x = [...EDGES];
    await expectSameAsCpu(() => [
      tf.clipByValue(tf.tensor1d(x), -1, 2),
      tf.leakyRelu(tf.tensor1d(x), 0.3),
      tf.prelu(tf.tensor2d([-1, 2, -3, 4], [2, 2]), tf.tensor1d([0.5, 0.25]) as unknown as tf.Tensor2D),
    ]);
  });

  it('casts between float32, int32 and bool (JavaScript conversion semantics)', async () => {
    const x = [-2.7, -0.5, 0, 0.5, 2.9, 3e9, Number.NaN, Number.POSITIVE_INFINITY];
    await expectSameAsCpu(() => [
      tf.tensor1d(x).cast('int32'),
      tf.tensor1d(x).cast('bool'),
      tf.tensor1d([0, 2, -3], 'int32').cast('bool'),
      tf.tensor1d([true, false], 'bool').cast('float32'),
      tf.tensor1d([true, false], 'bool').cast('int32'),
    ]);
  });

  const BINARY = [
    'add',
    'sub',
    'mul',
    'div',
    'floorDiv',
    'mod',
    'pow',
    'maximum',
    'minimum',
    'squaredDifference',
    'atan2',
    'equal',
    'notEqual',
    'greater',
    'greaterEqual',
    'less',
    'lessEqual',
  ] as const;

  it('broadcasts like NumPy over random shapes (every binary op)', async () => {
    // Shapes of rank ≤ 4 and a second shape broadcast from the first (dims dropped or set to 1).
    const shapes = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 })
      .chain((a) =>
        fc.tuple(
          fc.constant(a),
          fc.array(fc.boolean(), { minLength: a.length, maxLength: a.length }),
          fc.integer({ min: 0, max: a.length }),
        ),
      );
    await fc.assert(
      fc.asyncProperty(
        shapes,
        fc.constantFrom(...BINARY),
        fc.boolean(),
        async ([a, ones, drop], op, swap) => {
          const b = a.map((d, i) => (ones[i] ? 1 : d)).slice(drop);
          const [s1, s2] = swap ? [b, a] : [a, b];
          const v1 = randomValues(
            s1.reduce((x, y) => x * y, 1),
            3,
            0.5,
            3,
          );
          const v2 = randomValues(
            s2.reduce((x, y) => x * y, 1),
            4,
            0.5,
            3,
          );
          await expectSameAsCpu(
            () => (tf[op] as (x: tf.Tensor, y: tf.Tensor) => tf.Tensor)(tf.tensor(v1, s1), tf.tensor(v2, s2)),
            { tol: 1e-4 },
          );
        },
      ),
      { numRuns: 60, seed: 13 },
    );
  });

  it('int32 arithmetic wraps and divides like JavaScript', async () => {
    const a = [7, -7, 2147483647, -9, 0, 5];
    const b = [2, 2, 2, -4, 3, 0];
    await expectSameAsCpu(() => [
      tf.add(tf.tensor1d(a, 'int32'), tf.tensor1d(b, 'int32')),
      tf.mul(tf.tensor1d(a, 'int32'), tf.tensor1d(b, 'int32')),
      tf.floorDiv(tf.tensor1d(a, 'int32'), tf.tensor1d(b, 'int32')),
      tf.mod(tf.tensor1d(a, 'int32'), tf.tensor1d(b, 'int32')),
    ]);
  });

  it('Select picks whole rows with a vector condition (the kernel, below tf.where)', async () => {
    await expectSameAsCpu(
      () =>
        tf.engine().runKernel('Select', {
          condition: tf.tensor1d([true, false, true], 'bool'),
          t: tf.ones([3, 2]),
          e: tf.zeros([3, 2]),
        }) as tf.Tensor,
    );
  });

  it('reshape, identity and expandDims share data (no device copy)', async () => {
    await tf.setBackend('rocm');
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const gpuBytes = () => (tf.memory() as tf.MemoryInfo & { numBytesInGPU: number }).numBytesInGPU;
    const before = gpuBytes();
    const y = x.reshape([4]).expandDims(0);
    expect(gpuBytes()).toBe(before);
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
    tf.dispose([x, y]);
  });
});
