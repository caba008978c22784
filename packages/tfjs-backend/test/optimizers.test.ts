import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { getBackendReport, resetBackendReport } from '../src/index.js';
import { randomValues } from './helpers.js';

// The fused optimizer steps against tfjs-core's own, on the same backend: 5 steps of each optimizer on
// a few variables give the same values (float32 rounding apart), and the fused kernels ran.
async function train(kind: 'adam' | 'sgd', fused: boolean): Promise<number[][]> {
  process.env.ROCM_PATCH_TFJS_FUSED_OPTIMIZERS = fused ? '1' : '0';
  await tf.setBackend('rocm');
  const vars = [
    tf.variable(tf.tensor2d(randomValues(12, 1), [3, 4])),
    tf.variable(tf.tensor1d(randomValues(5, 2))),
  ];
  const opt = kind === 'adam' ? tf.train.adam(0.01) : tf.train.sgd(0.1);
  const target = [tf.tensor2d(randomValues(12, 3), [3, 4]), tf.tensor1d(randomValues(5, 4))];
  for (let step = 0; step < 5; step++) {
    opt.minimize(() => tf.addN(vars.map((v, i) => tf.squaredDifference(v, target[i]!).sum())) as tf.Scalar);
  }
  const out = vars.map((v) => Array.from(v.dataSync()));
  tf.dispose([...vars, ...target]);
  opt.dispose();
  delete process.env.ROCM_PATCH_TFJS_FUSED_OPTIMIZERS;
  return out;
}

describe('fused optimizer steps', () => {
  it.each(['adam', 'sgd'] as const)(
    "%s: the fused step gives tfjs-core's results, in one kernel per variable",
    async (kind) => {
      const plain = await train(kind, false);
      resetBackendReport();
      const fused = await train(kind, true);
      const kernel = kind === 'adam' ? 'RocmAdamUpdate' : 'RocmSgdUpdate';
      expect(getBackendReport().native[kernel]).toBe(10);
      // Training moved the variables (the comparison is not between two untouched copies).
      expect(fused[1]![0]).not.toBeCloseTo(randomValues(5, 2)[0]!, 3);
      for (let v = 0; v < plain.length; v++) {
        for (let i = 0; i < plain[v]!.length; i++) expect(fused[v]![i]).toBeCloseTo(plain[v]![i]!, 5);
      }
    },
  );

  it('leaves other backends alone', async () => {
    await tf.setBackend('cpu');
    resetBackendReport();
    const v = tf.variable(tf.scalar(1));
    tf.train.adam(0.1).minimize(() => v.square() as tf.Scalar);
    expect(getBackendReport().native.RocmAdamUpdate).toBeUndefined();
    expect(v.dataSync()[0]).toBeLessThan(1);
    v.dispose();
  });
});
