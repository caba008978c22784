import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKEND_NAME,
  deviceKernelNames,
  formatBackendReport,
  getBackendReport,
  HostPathError,
  isStrict,
  memoryStats,
  releaseMemory,
  resetBackendReport,
  setMemoryLimit,
  setStrict,
} from '../src/index.js';
import { ON_GPU, TEST_DEVICE } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));

beforeAll(async () => {
  expect(await tf.setBackend('rocm')).toBe(true);
});

afterEach(() => {
  setStrict(false);
});

/** Runs a script (ESM, importing tfjs and the backend's source through tsx-free dist) in a child Node. */
function node(code: string, env: Record<string, string | undefined>) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: join(here, '..'),
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe(`the 'rocm' backend (${TEST_DEVICE} device)`, () => {
  it('registers every kernel: the device ones and a counted host path for the rest of tfjs-backend-cpu', () => {
    const names = new Set(tf.getKernelsForBackend(BACKEND_NAME).map((k) => k.kernelName));
    for (const k of tf.getKernelsForBackend('cpu')) expect(names.has(k.kernelName)).toBe(true);
    expect(deviceKernelNames()).toEqual(
      expect.arrayContaining(['Add', 'Conv2D', 'Cast', 'Reshape', 'Transpose']),
    );
  });

  it('keeps float32, int32 and bool data on the device and reads them back (sync and async)', async () => {
    const f = tf.tensor1d([1.5, -2]);
    const i = tf.tensor1d([7, -8], 'int32');
    const b = tf.tensor1d([true, false], 'bool');
    expect(f.dataSync()).toEqual(new Float32Array([1.5, -2]));
    expect(await i.data()).toEqual(new Int32Array([7, -8]));
    expect(await b.data()).toEqual(new Uint8Array([1, 0]));
    const s = tf.tensor1d(['a', 'bc'], 'string');
    expect(await s.data()).toEqual(['a', 'bc']);
    tf.dispose([f, i, b, s]);
  });

  it('moves tensors created on another backend when they are first used here', async () => {
    await tf.setBackend('cpu');
    const x = tf.tensor1d([1, 2, 3]);
    await tf.setBackend('rocm');
    const y = x.add(1);
    expect(Array.from(await y.data())).toEqual([2, 3, 4]);
    tf.dispose([x, y]);
  });

  it('frees device memory when the last tensor sharing it is disposed', () => {
    const before = memoryStats().inUse;
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = x.reshape([4]);
    const withBoth = memoryStats().inUse;
    expect(withBoth).toBeGreaterThan(before);
    x.dispose();
    expect(memoryStats().inUse).toBe(withBoth);
    y.dispose();
    expect(memoryStats().inUse).toBe(before);
  });

  it('leaves tf.memory() and device memory flat over 1000 tidy iterations of a mixed op chain', () => {
    const a = tf.randomNormal([64, 32]);
    const b = tf.randomNormal([32]);
    const step = () =>
      tf.tidy(() => {
        const c = a.add(b).relu().mul(2).transpose().reshape([-1]).slice([5], [100]);
        return tf.concat([c, c.neg()]).sum();
      });
    step().dispose();
    const tensors = tf.memory().numTensors;
    const inUse = memoryStats().inUse;
    const mallocs = memoryStats().runtimeMallocs;
    for (let i = 0; i < 1000; i++) step().dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(memoryStats().inUse).toBe(inUse);
    // The caching allocator serves every iteration from its free lists.
    expect(memoryStats().runtimeMallocs).toBe(mallocs);
    tf.dispose([a, b]);
  });

  it('reports an out-of-memory error naming the kernel and the bytes, and keeps working', async () => {
    const limit = memoryStats().reserved + (8 << 20);
    setMemoryLimit(limit);
    try {
      expect(() => tf.fill([64, 1024, 1024], 1)).toThrow(
        /^Fill: cannot allocate 268435456 bytes of device memory/,
      );
    } finally {
      setMemoryLimit(0);
    }
    expect(Array.from(await tf.add(tf.scalar(1), tf.scalar(2)).data())).toEqual([3]);
  });

  it.runIf(ON_GPU)('reports a real out-of-memory error of the GPU the same way', async () => {
    // More than any GPU has: the runtime refuses, the cache is released, and the error names the kernel.
    expect(() => tf.fill([1024, 1024, 1024, 256], 1)).toThrow(/^Fill: cannot allocate 1099511627776 bytes/);
    expect(Array.from(await tf.add(tf.scalar(1), tf.scalar(2)).data())).toEqual([3]);
  });

  it('gives the cached device memory back with releaseMemory()', () => {
    tf.tidy(() => tf.ones([1024, 1024]).add(1));
    expect(memoryStats().cached).toBeGreaterThan(0);
    releaseMemory();
    expect(memoryStats().cached).toBe(0);
    expect(tf.memory()).toMatchObject({ numBytesInGPUFree: 0 });
  });

  it('times kernels with device events (tf.time and tf.profile)', async () => {
    const x = tf.randomNormal([256, 256]);
    const t = await tf.time(() => tf.tidy(() => x.mul(x).add(1).relu()));
    expect(typeof t.kernelMs).toBe('number');
    expect(t.kernelMs as number).toBeGreaterThanOrEqual(0);
    const p = await tf.profile(() => tf.tidy(() => x.mul(x).add(1)));
    expect(p.kernels.map((k) => k.name)).toEqual(expect.arrayContaining(['Multiply', 'Add']));
    for (const k of p.kernels) expect(typeof (await k.kernelTimeMs)).toBe('number');
    x.dispose();
  });

  it.runIf(ON_GPU)('never blocks the event loop while an async read waits for the GPU', async () => {
    const x = tf.randomNormal([2048, 2048]);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    // Enough queued work that the read waits for the GPU.
    const y = tf.tidy(() => {
      let t = x;
      for (let i = 0; i < 40; i++) t = tf.matMul(t, x).mul(1e-3);
      return t;
    });
    await y.data();
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    tf.dispose([x, y]);
  });

  it('counts host-path calls per kernel, and strict mode refuses them naming the kernel', () => {
    resetBackendReport();
    // Unique has no device kernel: it runs tfjs-backend-cpu's kernel on downloaded inputs.
    const u = tf.unique(tf.tensor1d([1, 1, 2]));
    tf.dispose([u.values, u.indices]);
    const r = getBackendReport();
    expect(r.hostPath.Unique).toBe(1);
    expect(r.hostPathReasons.Unique).toBe('no device kernel');
    expect(formatBackendReport(r)).toMatch(/Unique\s+1\s+host path: no device kernel/);
    setStrict(true);
    expect(isStrict()).toBe(true);
    expect(() => tf.unique(tf.tensor1d([1, 1, 2]))).toThrow(HostPathError);
    expect(() => tf.unique(tf.tensor1d([1, 1, 2]))).toThrow(/^Unique: this call would run on the host/);
    // Device kernels still run in strict mode.
    expect(Array.from(tf.add(tf.scalar(1), tf.scalar(1)).dataSync())).toEqual([2]);
    expect(() => setStrict('yes' as unknown as boolean)).toThrow(/setStrict: on must be a boolean/);
  });

  it('starts strict when ROCM_PATCH_TFJS_STRICT=1', () => {
    const r = node(
      `import * as tf from '@tensorflow/tfjs'; import '@rocm-patch/tfjs-backend';
       await tf.setBackend('rocm');
       try { tf.unique(tf.tensor1d([1])); console.log('ran'); } catch (e) { console.log(e.name); }`,
      { ROCM_PATCH_TFJS_STRICT: '1' },
    );
    expect(r.stdout.trim().split('\n').pop()).toBe('HostPathError');
  });

  it('rejects an unknown device request with the variable and the allowed values', () => {
    const r = node(
      `import * as tf from '@tensorflow/tfjs'; import '@rocm-patch/tfjs-backend';
       console.log(await tf.setBackend('rocm'));`,
      { ROCM_PATCH_TFJS_DEVICE: 'tpu' },
    );
    expect(r.stderr + r.stdout).toMatch(/ROCM_PATCH_TFJS_DEVICE must be 'auto', 'gpu' or 'host', got "tpu"/);
  });

  it.skipIf(ON_GPU)(
    'fails to start without a usable GPU with one message saying why and how to fix it',
    () => {
      const r = node(
        `import * as tf from '@tensorflow/tfjs'; import '@rocm-patch/tfjs-backend';
       console.log('selected:', await tf.setBackend('rocm'));`,
        { ROCM_PATCH_TFJS_DEVICE: '' },
      );
      expect(r.stdout).toMatch(/selected: false/);
      expect(r.stderr).toMatch(/The 'rocm' TF.js backend cannot start: .*\n.*(rebuild|driver)/);
      expect(r.stderr).toMatch(/ROCM_PATCH_TFJS_DEVICE=host/);
    },
  );
});
