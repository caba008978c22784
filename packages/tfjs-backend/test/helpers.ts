// Shared by the backend's tests: run a TF.js computation on the cpu backend and on 'rocm' and compare.
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { getBackendReport, resetBackendReport, setStrict } from '../src/index.js';

/** The device the tests run on ('gpu' where one is usable, else 'host'; see setup.ts). */
export const TEST_DEVICE = process.env.ROCM_PATCH_TFJS_DEVICE as 'gpu' | 'host';
export const ON_GPU = TEST_DEVICE === 'gpu';

/** A deterministic pseudo-random generator (mulberry32) for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values uniform in [lo, hi) from `seed`. */
export function randomValues(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * r();
  return v;
}

export interface CompareOptions {
  /** Absolute tolerance for float32 results (default 1e-4, plus 1e-4 relative). */
  tol?: number;
  /** Allow host-path calls on 'rocm' (default: strict mode, so every kernel must run on the device). */
  allowHostPath?: boolean;
}

type Out = tf.Tensor | tf.Tensor[];

async function runOn(
  backend: string,
  fn: () => Out,
): Promise<{ shape: number[]; dtype: string; values: number[] }[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const res = [];
  for (const t of list) {
    res.push({ shape: t.shape, dtype: t.dtype, values: Array.from((await t.data()) as ArrayLike<number>) });
    t.dispose();
  }
  return res;
}

/**
 * Runs `fn` (which must build its inputs itself, e.g. with tf.tensor from fixed arrays) on the cpu backend
 * and on 'rocm', and expects equal shapes, dtypes and values (NaN matches NaN). Strict by default.
 */
export async function expectSameAsCpu(fn: () => Out, options: CompareOptions = {}): Promise<void> {
  const expected = await runOn('cpu', fn);
  setStrict(!options.allowHostPath);
  let actual: Awaited<ReturnType<typeof runOn>>;
  try {
    actual = await runOn('rocm', fn);
  } finally {
    setStrict(false);
  }
  expect(actual.length).toBe(expected.length);
  const tol = options.tol ?? 1e-4;
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k]!;
    const a = actual[k]!;
    expect(a.shape).toEqual(e.shape);
    expect(a.dtype).toBe(e.dtype);
    expect(a.values.length).toBe(e.values.length);
    for (let i = 0; i < e.values.length; i++) {
      const x = a.values[i]!;
      const y = e.values[i]!;
      if (Number.isNaN(y)) {
        if (!Number.isNaN(x)) expect.fail(`output ${k}[${i}]: ${x}, expected NaN`);
      } else if (x !== y && !(Number.isFinite(y) && Math.abs(x - y) <= tol + tol * Math.abs(y))) {
        // (An infinite expectation must match exactly: its relative tolerance would be infinite.)
        expect.fail(`output ${k}[${i}]: ${x}, expected ${y} (tolerance ${tol})`);
      }
    }
  }
}

/** The device and host-path call counts of kernels since the last reset. */
export function callsSince(reset = false): {
  native: Record<string, number>;
  hostPath: Record<string, number>;
} {
  const r = getBackendReport();
  if (reset) resetBackendReport();
  return { native: r.native, hostPath: r.hostPath };
}
