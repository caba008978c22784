import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConvRouter, getBypassStats, resetBypassStats } from '../src/index.js';
import { enableMiopenBypass, type MiopenBypassHandle } from '../src/tfjs/index.js';

// Every patched kernel against TF.js's own cpu kernel on the same inputs: forward, fused epilogues,
// gradients (tf.grads goes through the backprop kernels), layouts, paddings, dilations, rounding.

const router = createConvRouter({ decisionDb: join(mkdtempSync(join(tmpdir(), 'rp-tfjs-')), 'db.json') });

function rand(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

function expectClose(actual: tf.Tensor, expected: tf.Tensor): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync();
  const b = expected.dataSync();
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  expect(worst).toBeLessThanOrEqual(1e-4 * Math.max(scale, 1));
}

/** Runs f unpatched, then patched, compares every output, and checks the patch ran (not delegated). */
function compare(f: () => tf.Tensor[], kernels: string[]): void {
  const expected = tf.tidy(f);
  resetBypassStats();
  const handle = enableMiopenBypass({ tf, router });
  try {
    const actual = tf.tidy(f);
    for (const [i, e] of expected.entries()) expectClose(actual[i]!, e);
    tf.dispose(actual);
  } finally {
    handle.disable();
  }
  tf.dispose(expected);
  const stats = getBypassStats();
  for (const kernel of kernels) expect(stats.byKernel[kernel], kernel).toBeGreaterThan(0);
  expect(Object.values(handle.delegatedCalls).reduce((a, b) => a + b, 0)).toBe(0);
  expect(stats.bypassedCalls).toBe(stats.totalCalls);
}

type Pad =
  | 'same'
  | 'valid'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Conv2D and its gradients', () => {
  const cases: {
    x: number[];
    f: number[];
    s: [number, number];
    pad: Pad;
    d: [number, number];
    fmt: 'NHWC' | 'NCHW';
    round?: 'floor' | 'round' | 'ceil';
  }[] = [
    { x: [2, 9, 8, 3], f: [3, 3, 3, 4], s: [1, 1], pad: 'same', d: [1, 1], fmt: 'NHWC' },
    { x: [1, 10, 11, 2], f: [3, 2, 2, 5], s: [2, 2], pad: 'same', d: [1, 1], fmt: 'NHWC' },
    { x: [2, 7, 9, 3], f: [2, 3, 3, 2], s: [2, 1], pad: 'valid', d: [1, 1], fmt: 'NHWC' },
    { x: [1, 9, 9, 2], f: [3, 3, 2, 3], s: [1, 1], pad: 'same', d: [2, 2], fmt: 'NHWC' },
    {
      x: [2, 8, 8, 3],
      f: [3, 3, 3, 4],
      s: [2, 2],
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
      d: [1, 1],
      fmt: 'NHWC',
    },
    { x: [1, 9, 9, 2], f: [3, 3, 2, 2], s: [2, 2], pad: 1, d: [1, 1], fmt: 'NHWC', round: 'ceil' },
    { x: [2, 3, 8, 7], f: [3, 3, 3, 4], s: [1, 2], pad: 'same', d: [1, 1], fmt: 'NCHW' },
  ];
  for (const c of cases) {
    it(`x ${c.x} f ${c.f} stride ${c.s} pad ${JSON.stringify(c.pad)} dil ${c.d} ${c.fmt} ${c.round ?? ''}`, () => {
      const x = rand(c.x, 1) as tf.Tensor4D;
      const f = rand(c.f, 2) as tf.Tensor4D;
      const conv = (xx: tf.Tensor4D, ff: tf.Tensor4D) => tf.conv2d(xx, ff, c.s, c.pad, c.fmt, c.d, c.round);
      compare(
        () => {
          const y = conv(x, f);
          const dy = rand(y.shape, 3);
          // TF.js's conv gradients take no dilation: only the forward pass runs dilated.
          if (c.d[0] > 1) return [y];
          const [dx, df] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
            conv(xx as tf.Tensor4D, ff as tf.Tensor4D),
          )([x, f], dy);
          return [y, dx!, df!];
        },
        c.d[0] > 1 ? ['Conv2D'] : ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'],
      );
    });
  }
});

describe('FusedConv2D: bias and every fused activation', () => {
  const activations = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid'] as const;
  for (const activation of activations) {
    it(activation, () => {
      const x = tf.mul(rand([2, 8, 8, 3], 4), 4) as tf.Tensor4D;
      const f = rand([3, 3, 3, 5], 5) as tf.Tensor4D;
      const bias = rand([5], 6) as tf.Tensor1D;
      const prelu = activation === 'prelu' ? (rand([5], 7) as tf.Tensor1D) : undefined;
      compare(
        () => [
          tf.fused.conv2d({
            x,
            filter: f,
            strides: 1,
            pad: 'same',
            bias,
            activation,
            preluActivationWeights: prelu,
            leakyreluAlpha: 0.3,
          }),
          tf.fused.conv2d({
            x,
            filter: f,
            strides: 2,
            pad: 'valid',
            activation,
            preluActivationWeights: prelu,
            leakyreluAlpha: 0.1,
          }),
        ],
        ['FusedConv2D'],
      );
    });
  }

  // TF.js fuses under a gradient tape only with the linear activation (else it runs conv, add, relu).
  it('gradients of a fused conv (bias, linear) go through the patched backprop kernels', () => {
    const x = rand([2, 6, 6, 3], 8) as tf.Tensor4D;
    const f = rand([3, 3, 3, 4], 9) as tf.Tensor4D;
    const bias = rand([4], 10) as tf.Tensor1D;
    compare(() => {
      const g = tf.grads((xx: tf.Tensor, ff: tf.Tensor, bb: tf.Tensor) =>
        tf.fused
          .conv2d({ x: xx as tf.Tensor4D, filter: ff as tf.Tensor4D, bias: bb, strides: 1, pad: 'same' })
          .square()
          .sum(),
      );
      return g([x, f, bias]);
    }, ['FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']);
  });

  it('a bias that is not per channel goes to the original kernel', () => {
    const x = rand([1, 4, 4, 2], 11) as tf.Tensor4D;
    const f = rand([3, 3, 2, 3], 12) as tf.Tensor4D;
    const bias = rand([4, 4, 3], 13);
    const expected = tf.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias });
    const handle = enableMiopenBypass({ tf, router });
    try {
      expectClose(tf.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias }), expected);
      expect(handle.delegatedCalls.FusedConv2D).toBe(1);
    } finally {
      handle.disable();
    }
  });
});

describe('DepthwiseConv2dNative and its gradients', () => {
  const cases: { x: number[]; f: number[]; s: [number, number]; pad: Pad; d: [number, number] }[] = [
    { x: [2, 8, 8, 3], f: [3, 3, 3, 1], s: [1, 1], pad: 'same', d: [1, 1] },
    { x: [1, 9, 10, 4], f: [3, 3, 4, 2], s: [2, 2], pad: 'valid', d: [1, 1] },
    { x: [2, 9, 9, 2], f: [3, 3, 2, 2], s: [1, 1], pad: 'same', d: [2, 2] },
  ];
  for (const c of cases) {
    it(`x ${c.x} f ${c.f} stride ${c.s} pad ${c.pad} dil ${c.d}`, () => {
      const x = rand(c.x, 14) as tf.Tensor4D;
      const f = rand(c.f, 15) as tf.Tensor4D;
      const conv = (xx: tf.Tensor4D, ff: tf.Tensor4D) =>
        tf.depthwiseConv2d(xx, ff, c.s, c.pad as 'same', 'NHWC', c.d);
      // TF.js has no gradient for dilated depthwise convs: only the forward pass runs dilated.
      const dilated = c.d[0] > 1;
      compare(
        () => {
          const y = conv(x, f);
          if (dilated) return [y];
          const dy = rand(y.shape, 16);
          const [dx, df] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
            conv(xx as tf.Tensor4D, ff as tf.Tensor4D),
          )([x, f], dy);
          return [y, dx!, df!];
        },
        dilated
          ? ['DepthwiseConv2dNative']
          : [
              'DepthwiseConv2dNative',
              'DepthwiseConv2dNativeBackpropInput',
              'DepthwiseConv2dNativeBackpropFilter',
            ],
      );
    });
  }

  it('FusedDepthwiseConv2D with bias and relu6', () => {
    const x = tf.mul(rand([1, 7, 7, 3], 17), 5) as tf.Tensor4D;
    const f = rand([3, 3, 3, 2], 18) as tf.Tensor4D;
    const bias = rand([6], 19) as tf.Tensor1D;
    compare(
      () => [tf.fused.depthwiseConv2d({ x, filter: f, strides: 1, pad: 'same', bias, activation: 'relu6' })],
      ['FusedDepthwiseConv2D'],
    );
  });
});

describe('enable / disable', () => {
  let handle: MiopenBypassHandle | undefined;
  afterAll(() => handle?.disable());

  it('enabling twice returns the same handle; disable restores the original kernels', () => {
    const original = tf.getKernel('Conv2D', 'cpu')!.kernelFunc;
    handle = enableMiopenBypass({ tf, router });
    const patched = tf.getKernel('Conv2D', 'cpu')!.kernelFunc;
    expect(patched).not.toBe(original);
    expect(enableMiopenBypass({ tf, router })).toBe(handle);
    expect(tf.getKernel('Conv2D', 'cpu')!.kernelFunc).toBe(patched);
    expect(handle.kernelNames).toContain('DepthwiseConv2dNativeBackpropFilter');
    handle.disable();
    handle.disable();
    expect(handle.enabled).toBe(false);
    expect(tf.getKernel('Conv2D', 'cpu')!.kernelFunc).toBe(original);
    const again = enableMiopenBypass({ tf, router });
    expect(again).not.toBe(handle);
    again.disable();
  });

  it('rejects what is not a tf namespace, an unknown backend and an unknown strategy', () => {
    expect(() => enableMiopenBypass({ tf: {} })).toThrow(/options\.tf/);
    expect(() => enableMiopenBypass({ tf, backend: 'nope' })).toThrow(/no TF.js backend named "nope"/);
    expect(() => enableMiopenBypass({ tf, strategy: 'fast' as never })).toThrow(/options\.strategy/);
  });
});
