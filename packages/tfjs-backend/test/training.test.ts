// A real training step entirely on the device: the benchmark models (bench/models.mjs) trained with
// model.trainOnBatch in strict mode (any host-path call fails the test) give the losses of the cpu
// backend: the first within 1e-4 relative, after 20 steps within 1e-3. The reference is tfjs-backend-cpu
// with conv-bypass's patch on its CPU strategy (TF.js's own JavaScript convolutions take minutes per step
// of these models; the patch's CPU convolution is an independent implementation of the same maths).

import { getConvRouter } from '@rocm-patch/conv-bypass';
import { enableMiopenBypass } from '@rocm-patch/conv-bypass/tfjs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module (the benchmark's models)
import { batch, MODELS } from '../bench/models.mjs';
import { getBackendReport, memoryStats, resetBackendReport, setStrict } from '../src/index.js';
import { ON_GPU, TEST_DEVICE } from './helpers.js';

type Model = tf.Sequential;

let patched = false;
async function useCpuReference(): Promise<void> {
  await tf.setBackend('cpu');
  if (!patched) enableMiopenBypass({ tf, backend: 'cpu', strategy: 'cpu' });
  patched = true;
}

async function losses(
  backend: string,
  name: 'cifar' | 'bncnn',
  size: number,
  steps: number,
): Promise<number[]> {
  if (backend === 'cpu') await useCpuReference();
  else await tf.setBackend(backend);
  const m: Model = MODELS[name](tf);
  const { x, y } = batch(tf, size);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) out.push((await m.trainOnBatch(x, y)) as number);
  tf.dispose([x, y]);
  m.dispose();
  return out;
}

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
}

describe(`training on the 'rocm' backend (${TEST_DEVICE} device)`, () => {
  it.each([
    ['cifar', 8],
    ['bncnn', 4],
  ] as const)(
    "%s trains with every kernel on the device and the cpu backend's losses",
    async (name, size) => {
      const expected = await losses('cpu', name, size, 20);
      resetBackendReport();
      setStrict(true);
      let actual: number[];
      try {
        actual = await losses('rocm', name, size, 20);
      } finally {
        setStrict(false);
      }
      const r = getBackendReport();
      expect(r.totalHostPath).toBe(0);
      expect(r.totalNative).toBeGreaterThan(100);
      expect(relative(actual[0]!, expected[0]!)).toBeLessThan(1e-4);
      expect(relative(actual[19]!, expected[19]!)).toBeLessThan(1e-3);
      // The model learns (the comparison is not between two flat curves).
      expect(actual[19]!).toBeLessThan(actual[0]!);
    },
  );

  it.runIf(ON_GPU)(
    '1000 training steps of bncnn leave device memory flat',
    async () => {
      await tf.setBackend('rocm');
      const m: Model = MODELS.bncnn(tf);
      const { x, y } = batch(tf, 64);
      for (let i = 0; i < 20; i++) await m.trainOnBatch(x, y);
      // The vendor probes of new conv keys finish in the background (up to their 10 s timeout) and can
      // change AUTO's choice, whose workspaces then join the cache once: measure after they settled.
      await getConvRouter().probesSettled();
      for (let i = 0; i < 20; i++) await m.trainOnBatch(x, y);
      const tensors = tf.memory().numTensors;
      const before = memoryStats();
      for (let i = 0; i < 1000; i++) await m.trainOnBatch(x, y);
      const after = memoryStats();
      console.log(
        JSON.stringify({
          bncnnMemory: {
            steps: 1000,
            before: before.inUse,
            after: after.inUse,
            reserved: after.reserved,
            runtimeMallocs: after.runtimeMallocs - before.runtimeMallocs,
          },
        }),
      );
      expect(tf.memory().numTensors).toBe(tensors);
      expect(after.inUse).toBe(before.inUse);
      expect(after.reserved).toBe(before.reserved);
      tf.dispose([x, y]);
      m.dispose();
    },
    300_000,
  );
});
