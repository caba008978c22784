// The addon against TF.js's cpu backend (forward, and both gradients from tf.grads) on the random
// cases TF.js supports: groups 1 or depthwise, dilation only with stride 1 and (for gradients) not at all.
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { conv2d, conv2dBackwardData, conv2dBackwardFilter, type Tensor4 } from '../src/index.js';
import { type ConvCase, convCase, paramsOf, tensor } from './cases.js';
import { relError } from './reference.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type TfPadding = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

function tfPadding(c: ConvCase): TfPadding {
  const pad = c.opts.padding ?? 0;
  if (pad === 'same' || pad === 'valid') return pad;
  const [t, b, l, r] =
    typeof pad === 'number'
      ? [pad, pad, pad, pad]
      : pad.length === 2
        ? [pad[0], pad[0], pad[1], pad[1]]
        : pad;
  return [
    [0, 0],
    [t, b],
    [l, r],
    [0, 0],
  ];
}

/** TF.js's y, dx and dw for the case, back in our layouts (NCHW, K×C/g×R×S); no gradients when dilated. */
function tfjsResults(
  c: ConvCase,
  x: Tensor4,
  w: Tensor4,
  dy: Tensor4,
): [Float32Array, Float32Array | undefined, Float32Array | undefined] {
  return tf.tidy(() => {
    const [k, cg, r, s] = c.wShape;
    const groups = c.opts.groups ?? 1;
    const depthwise = groups > 1;
    const xt = tf.transpose(tf.tensor4d(x.data, x.shape), [0, 2, 3, 1]);
    // ours: K × Cg × R × S; TF conv2d: R × S × C × K; TF depthwise: R × S × C × multiplier (k = c·mult + m).
    const wt = depthwise
      ? tf.transpose(tf.reshape(tf.tensor4d(w.data, w.shape), [groups, k / groups, r, s]), [2, 3, 0, 1])
      : tf.transpose(tf.tensor4d(w.data, w.shape), [2, 3, 1, 0]);
    const dyt = tf.transpose(tf.tensor4d(dy.data, dy.shape), [0, 2, 3, 1]);
    const stride = c.opts.stride as [number, number];
    const dilation = c.opts.dilation as [number, number];
    const pad = tfPadding(c);
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      depthwise
        ? tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad, 'NHWC', dilation)
        : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad, 'NHWC', dilation);
    const y = tf.transpose(f(xt, wt), [0, 3, 1, 2]).dataSync() as Float32Array;
    if (dilation[0] > 1 || dilation[1] > 1) return [y, undefined, undefined];
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), dyt)))([xt, wt]);
    const dwOurs = depthwise
      ? tf.reshape(tf.transpose(dw!, [2, 3, 0, 1]), [k, cg, r, s])
      : tf.transpose(dw!, [3, 2, 0, 1]);
    return [y, tf.transpose(dx!, [0, 3, 1, 2]).dataSync() as Float32Array, dwOurs.dataSync() as Float32Array];
  });
}

it('matches TF.js (cpu backend) forward and tf.grads gradients on random cases', () => {
  let gradientCases = 0;
  fc.assert(
    fc.property(convCase({ tfjsCompatible: true }), (c) => {
      const p = paramsOf(c)!;
      const x = tensor(c.xShape, c.seed);
      const w = tensor(c.wShape, c.seed + 1);
      const dy = tensor([p.n, p.k, p.p, p.q], c.seed + 2);
      const [yRef, dxRef, dwRef] = tfjsResults(c, x, w, dy);
      expect(relError(conv2d(x, w, c.opts).data, yRef)).toBeLessThan(1e-4);
      if (dxRef === undefined || dwRef === undefined) return;
      gradientCases++;
      expect(
        relError(conv2dBackwardData(dy, w, { ...c.opts, inputShape: c.xShape }).data, dxRef),
      ).toBeLessThan(1e-4);
      expect(
        relError(conv2dBackwardFilter(x, dy, { ...c.opts, filterShape: c.wShape }).data, dwRef),
      ).toBeLessThan(1e-4);
    }),
    { numRuns: 60, seed: 7 },
  );
  expect(gradientCases).toBeGreaterThan(20);
});
