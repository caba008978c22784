import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectSameAsCpu, randomValues } from './helpers.js';

// The device-side gradients of Sum and Mean (src/gradients.ts): tfjs-core's results, without a ones
// array of the input's size built in JavaScript and uploaded.
const SHAPE = [4, 6, 5, 3];
const CASES: { name: string; axes: number | number[] | undefined; keepDims?: boolean }[] = [
  { name: 'all axes', axes: undefined },
  { name: 'batch-norm axes [0, 1, 2]', axes: [0, 1, 2] },
  { name: 'one inner axis', axes: 2, keepDims: true },
  { name: 'negative axis', axes: -1 },
];

/** The largest number of elements one backend write (upload) had while `fn` ran. */
function largestUpload(fn: () => void): number {
  const backend = tf.backend();
  const write = vi.spyOn(backend, 'write');
  try {
    fn();
    return Math.max(
      0,
      ...write.mock.calls.map(([values]) => (values as ArrayLike<unknown> | null)?.length ?? 0),
    );
  } finally {
    write.mockRestore();
  }
}

describe('Sum and Mean gradients', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each(CASES)('$name: the same gradients as tfjs-core on cpu, bit for bit', async ({ axes, keepDims }) => {
    const values = randomValues(4 * 6 * 5 * 3, 11);
    for (const op of [tf.sum, tf.mean]) {
      await expectSameAsCpu(
        () => {
          const x = tf.tensor(values, SHAPE);
          // A non-uniform dy, so a wrong broadcast shows.
          return tf.grad((t: tf.Tensor) => op(t, axes, keepDims).square().sum())(x);
        },
        { tol: 0 },
      );
    }
  });

  it('on rocm no upload is larger than a scalar; other backends keep tfjs-core’s gradient', async () => {
    const values = randomValues(64 * 8 * 8 * 16, 3);
    for (const backend of ['rocm', 'cpu']) {
      await tf.setBackend(backend);
      const x = tf.tensor(values, [64, 8, 8, 16]);
      const largest = largestUpload(() => {
        const g = tf.grads((t: tf.Tensor) => tf.add(tf.mean(t, [0, 1, 2]).sum(), tf.sum(t, [1, 2]).sum()))([
          x,
        ]);
        tf.dispose(g);
      });
      // tfjs-core's gradients build ones(x.shape) in JavaScript (and the cpu backend keeps them); on rocm
      // the ones are a device fill.
      if (backend === 'rocm') expect(largest).toBeLessThanOrEqual(1);
      else expect(largest).toBe(values.length);
      x.dispose();
    }
  });
});
