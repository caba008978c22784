// `out` must not share memory with an input (issue 15 item 7). One SharedArrayBuffer's memory reaches
// a worker, or comes back from one, as a different object: the check compares memory, not objects.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  conv2d,
  conv2dAsync,
  conv2dBackwardData,
  conv2dBackwardDataAsync,
  conv2dBackwardFilter,
  conv2dBackwardFilterAsync,
  resolveParams,
  type Tensor4,
} from '../src/index.js';
import { addon } from '../src/native.js';
import { sharesMemory } from '../src/output.js';

const xShape: Tensor4['shape'] = [1, 8, 16, 16];
const wShape: Tensor4['shape'] = [8, 8, 3, 3];
const size = 8 * 16 * 16; // x, y (padding 1), dx: all the same size

/** The same memory, as the object a worker sends back. */
async function throughWorker(sab: SharedArrayBuffer): Promise<SharedArrayBuffer> {
  const worker = new Worker(
    "require('node:worker_threads').parentPort.once('message', (m) => { require('node:worker_threads').parentPort.postMessage(m); })",
    { eval: true },
  );
  try {
    const back = new Promise<SharedArrayBuffer>((resolve) => worker.once('message', resolve));
    worker.postMessage(sab);
    return await back;
  } finally {
    await worker.terminate();
  }
}

function shared(length: number): Float32Array {
  const a = new Float32Array(new SharedArrayBuffer(length * 4));
  for (let i = 0; i < length; i++) a[i] = Math.sin(i);
  return a;
}

describe('out overlapping an input through another SharedArrayBuffer object', () => {
  it('is refused by every conv function, sync and async', async () => {
    const xData = shared(2 * size);
    const back = await throughWorker(xData.buffer as SharedArrayBuffer);
    expect(back).not.toBe(xData.buffer);
    const x = { data: xData.subarray(0, size), shape: xShape };
    const w = { data: shared(8 * 8 * 9), shape: wShape };
    // The second half of the memory is free; an out from the first half (seen through `back`) overlaps x.
    const overlapping = { data: new Float32Array(back, 4 * 10, size), shape: xShape };
    const opts = { padding: 1, device: 'cpu' as const, out: overlapping };
    expect(() => conv2d(x, w, opts)).toThrow(/conv2d: out\.data overlaps x/);
    await expect(conv2dAsync(x, w, opts)).rejects.toThrow(/conv2dAsync: out\.data overlaps x/);
    expect(() => conv2dBackwardData(x, w, { ...opts, inputShape: xShape })).toThrow(/overlaps dy/);
    await expect(conv2dBackwardDataAsync(x, w, { ...opts, inputShape: xShape })).rejects.toThrow(
      /overlaps dy/,
    );
    const dwOut = { data: new Float32Array(back, 0, 8 * 8 * 9), shape: wShape };
    expect(() => conv2dBackwardFilter(x, x, { padding: 1, filterShape: wShape, out: dwOut })).toThrow(
      /conv2dBackwardFilter: out\.data overlaps x/,
    );
    await expect(
      conv2dBackwardFilterAsync(x, x, { padding: 1, filterShape: wShape, out: dwOut }),
    ).rejects.toThrow(/overlaps x/);
    // structuredClone in one thread gives another object for the same memory too.
    const clone = structuredClone(xData.buffer as SharedArrayBuffer);
    expect(() =>
      conv2d(x, w, { padding: 1, out: { data: new Float32Array(clone, 0, size), shape: xShape } }),
    ).toThrow(/out\.data overlaps x/);
  });

  it('adjacent ranges of the same memory are fine and give the right result', async () => {
    const xData = shared(2 * size);
    const back = await throughWorker(xData.buffer as SharedArrayBuffer);
    const x = { data: xData.subarray(0, size), shape: xShape };
    const w = { data: shared(8 * 8 * 9), shape: wShape };
    const out = { data: new Float32Array(back, 4 * size, size), shape: xShape };
    const expected = conv2d(x, w, { padding: 1 }).data;
    conv2d(x, w, { padding: 1, out });
    expect(Array.from(out.data)).toEqual(Array.from(expected));
    await conv2dAsync(x, w, {
      padding: 1,
      out: { data: new Float32Array(back, 4 * size, size), shape: xShape },
    });
    expect(Array.from(xData.subarray(size))).toEqual(Array.from(expected));
  });

  it('sharesMemory compares ranges, and the addon re-checks by address', async () => {
    const a = shared(64);
    const b = new Float32Array(await throughWorker(a.buffer as SharedArrayBuffer));
    expect(sharesMemory(a.subarray(0, 32), b.subarray(31))).toBe(true);
    expect(sharesMemory(a.subarray(0, 32), b.subarray(32))).toBe(false);
    expect(sharesMemory(a, new Float32Array(64))).toBe(false);
    const plain = new Float32Array(64);
    expect(sharesMemory(plain.subarray(0, 10), plain.subarray(9))).toBe(true);
    expect(sharesMemory(plain.subarray(0, 10), plain.subarray(10))).toBe(false);

    // Past the TypeScript checks: the native binding refuses the alias itself.
    const xData = shared(size);
    const x = { data: xData, shape: xShape };
    const w = { data: shared(8 * 8 * 9), shape: wShape };
    const p = resolveParams(xShape, wShape, { padding: 1 }, 'test');
    const y = new Float32Array(await throughWorker(xData.buffer as SharedArrayBuffer));
    expect(() => addon().conv2dForward(p, x.data, w.data, null, y)).toThrow(/y shares memory with x/);
    expect(() => addon().conv2dForwardAsync(p, x.data, w.data, null, y)).toThrow(/y shares memory with x/);
    expect(() => addon().conv2dBackwardData(p, x.data, w.data, y)).toThrow(/dx shares memory with dy/);
  });
});
