import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { createConvRouter, getBypassStats, resetBypassStats } from '../src/index.js';
import { enableMiopenBypass, PATCHED_KERNELS } from '../src/tfjs/index.js';

// A tfjs-layers model trained with model.fit, unpatched and patched, from the same seeds: the per-epoch
// losses agree, and every conv kernel TF.js ran went through the bypass.

const EPOCHS = 3;
const CONV_KERNELS = new Set(PATCHED_KERNELS.map((kernel) => kernel.kernelName));

function dataset(): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  // 64 images 12×12×2 whose class is the quadrant with the brightest first channel (0..3).
  const n = 64;
  const images = new Float32Array(n * 12 * 12 * 2);
  const labels: number[] = [];
  let state = 12345;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let i = 0; i < n; i++) {
    const quadrant = i % 4;
    labels.push(quadrant);
    for (let y = 0; y < 12; y++) {
      for (let x = 0; x < 12; x++) {
        const inQuadrant = (y < 6 ? 0 : 2) + (x < 6 ? 0 : 1) === quadrant;
        const base = ((i * 12 + y) * 12 + x) * 2;
        images[base] = next() * 0.5 + (inQuadrant ? 0.5 : 0);
        images[base + 1] = next();
      }
    }
  }
  return {
    xs: tf.tensor4d(images, [n, 12, 12, 2]),
    ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 4) as tf.Tensor2D,
  };
}

function model(): tf.Sequential {
  const m = tf.sequential();
  m.add(
    tf.layers.conv2d({
      inputShape: [12, 12, 2],
      filters: 8,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  m.add(
    tf.layers.conv2d({
      filters: 8,
      kernelSize: 3,
      strides: 2,
      padding: 'valid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    }),
  );
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(
    tf.layers.dense({
      units: 4,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
    }),
  );
  m.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  return m;
}

async function train(): Promise<{ losses: number[]; convKernelCalls: number }> {
  const { xs, ys } = dataset();
  const m = model();
  let losses: number[] = [];
  const profile = await tf.profile(async () => {
    const history = await m.fit(xs, ys, { epochs: EPOCHS, batchSize: 16, shuffle: false, verbose: 0 });
    losses = history.history.loss as number[];
  });
  tf.dispose([xs, ys]);
  m.dispose();
  return {
    losses,
    convKernelCalls: profile.kernels.filter((kernel) => CONV_KERNELS.has(kernel.name)).length,
  };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('model.fit: patched and unpatched losses agree per epoch, and every conv kernel call is bypassed', async () => {
  const plain = await train();
  const router = createConvRouter({ decisionDb: join(mkdtempSync(join(tmpdir(), 'rp-train-')), 'db.json') });
  resetBypassStats();
  const handle = enableMiopenBypass({ tf, router });
  let patched: { losses: number[]; convKernelCalls: number };
  try {
    patched = await train();
  } finally {
    handle.disable();
  }
  expect(plain.losses).toHaveLength(EPOCHS);
  expect(patched.losses).toHaveLength(EPOCHS);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const a = patched.losses[epoch]!;
    const b = plain.losses[epoch]!;
    expect(Math.abs(a - b) / Math.abs(b), `epoch ${epoch}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-3);
  }
  // The model learns (the comparison is not between two constant curves).
  expect(plain.losses[EPOCHS - 1]!).toBeLessThan(plain.losses[0]!);

  const stats = getBypassStats();
  expect(patched.convKernelCalls).toBeGreaterThan(0);
  expect(stats.totalCalls).toBe(patched.convKernelCalls);
  expect(stats.bypassedCalls).toBe(stats.totalCalls);
  expect(Object.values(handle.delegatedCalls).every((calls) => calls === 0)).toBe(true);
  // 4 batches × 3 epochs. Under a gradient tape TF.js fuses only linear activations: the relu conv runs
  // as Conv2D (+ add + relu), the linear one as FusedConv2D; both filters get gradients, and only the
  // second conv's input does (the first one's input is the data).
  const steps = 4 * EPOCHS;
  expect(stats.byKernel).toEqual({
    Conv2D: steps,
    FusedConv2D: steps,
    Conv2DBackpropFilter: 2 * steps,
    Conv2DBackpropInput: steps,
  });
  expect(stats.byAlgorithm).toEqual({ cpu: stats.totalCalls });
}, 60_000);
