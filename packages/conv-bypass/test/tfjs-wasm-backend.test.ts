import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConvRouter, getBypassStats, resetBypassStats } from '../src/index.js';
import { enableMiopenBypass } from '../src/tfjs/index.js';

// The patch on a backend other than cpu: any backend with readSync/write works (wasm here). The wasm
// backend has no Conv2DBackpropFilter kernel, so only what it registers is replaced.

const router = createConvRouter({ decisionDb: join(mkdtempSync(join(tmpdir(), 'rp-wasm-')), 'db.json') });

beforeAll(async () => {
  await tf.setBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

it('patches the wasm backend: conv2d, fused conv2d and the input gradient match its own kernels', () => {
  const x = tf.randomUniform([2, 9, 8, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
  const f = tf.randomUniform([3, 3, 3, 4], -1, 1, 'float32', 2) as tf.Tensor4D;
  const bias = tf.randomUniform([4], -1, 1, 'float32', 3) as tf.Tensor1D;
  const run = () =>
    tf.tidy(() => {
      const y = tf.conv2d(x, f, 2, 'same');
      const fused = tf.fused.conv2d({ x, filter: f, strides: 1, pad: 'valid', bias, activation: 'relu6' });
      const dx = tf.conv2dTranspose(y, f, x.shape as [number, number, number, number], 2, 'same');
      return [y, fused, dx].map((t) => Array.from(t.dataSync()));
    });
  const expected = run();
  resetBypassStats();
  const handle = enableMiopenBypass({ tf, router });
  let actual: number[][];
  try {
    expect(handle.backendName).toBe('wasm');
    actual = run();
  } finally {
    handle.disable();
  }
  for (const [i, values] of expected.entries()) {
    const scale = Math.max(1, ...values.map(Math.abs));
    const worst = Math.max(...values.map((v, j) => Math.abs(v - actual[i]![j]!)));
    expect(worst).toBeLessThanOrEqual(1e-4 * scale);
  }
  expect(getBypassStats().byKernel).toEqual({ Conv2D: 1, FusedConv2D: 1, Conv2DBackpropInput: 1 });
  expect(Object.values(handle.delegatedCalls).every((calls) => calls === 0)).toBe(true);
});
