// The Async twins give the same bits as the sync functions, concurrent calls do not interfere, and
// many calls do not grow the resident memory.
import { describe, expect, it } from 'vitest';
import {
  conv2d,
  conv2dAsync,
  conv2dBackwardData,
  conv2dBackwardDataAsync,
  conv2dBackwardFilter,
  conv2dBackwardFilterAsync,
} from '../src/index.js';
import { type ConvCase, tensor } from './cases.js';
import { randomData } from './reference.js';

const cases: ConvCase[] = [
  { xShape: [2, 8, 13, 11], wShape: [12, 4, 3, 3], opts: { stride: 2, padding: 'same', groups: 2 }, seed: 1 },
  { xShape: [1, 6, 9, 9], wShape: [12, 1, 3, 3], opts: { padding: [1, 2, 0, 1], groups: 6 }, seed: 2 },
  { xShape: [3, 16, 8, 8], wShape: [24, 16, 1, 1], opts: {}, seed: 3 },
  { xShape: [1, 5, 20, 20], wShape: [7, 5, 3, 3], opts: { dilation: 2, padding: 2 }, seed: 4 },
];

describe('async twins', () => {
  it.each(cases)('give identical results to the sync functions (%#)', async (c) => {
    const x = tensor(c.xShape, c.seed);
    const w = tensor(c.wShape, c.seed + 1);
    const bias = randomData(c.wShape[0], c.seed + 2);
    const y = conv2d(x, w, { ...c.opts, bias });
    const yAsync = await conv2dAsync(x, w, { ...c.opts, bias });
    expect(yAsync.shape).toEqual(y.shape);
    expect(Array.from(yAsync.data)).toEqual(Array.from(y.data));

    const dy = tensor(y.shape, c.seed + 3);
    const dx = conv2dBackwardData(dy, w, { ...c.opts, inputShape: c.xShape });
    const dxAsync = await conv2dBackwardDataAsync(dy, w, { ...c.opts, inputShape: c.xShape });
    expect(Array.from(dxAsync.data)).toEqual(Array.from(dx.data));

    const dw = conv2dBackwardFilter(x, dy, { ...c.opts, filterShape: c.wShape });
    const dwAsync = await conv2dBackwardFilterAsync(x, dy, { ...c.opts, filterShape: c.wShape });
    expect(Array.from(dwAsync.data)).toEqual(Array.from(dw.data));
  });

  it('run concurrently without mixing results', async () => {
    const runs = cases
      .flatMap((c) => [c, c, c])
      .map((c, i) => {
        const x = tensor(c.xShape, c.seed + 100 * i);
        const w = tensor(c.wShape, c.seed + 100 * i + 1);
        return { x, w, c, expected: conv2d(x, w, c.opts) };
      });
    const results = await Promise.all(runs.map((r) => conv2dAsync(r.x, r.w, r.c.opts)));
    results.forEach((y, i) => {
      expect(Array.from(y.data)).toEqual(Array.from(runs[i]!.expected.data));
    });
  });

  it('reject (not throw) on bad input', async () => {
    const x = tensor([1, 2, 4, 4], 1);
    const w = tensor([2, 3, 3, 3], 2);
    const pending = conv2dAsync(x, w);
    await expect(pending).rejects.toThrow(RangeError);
  });

  it('write into a caller-provided out tensor', async () => {
    const c = cases[0]!;
    const x = tensor(c.xShape, 9);
    const w = tensor(c.wShape, 10);
    const expected = conv2d(x, w, c.opts);
    const out = { data: new Float32Array(expected.data.length).fill(Number.NaN), shape: expected.shape };
    const y = await conv2dAsync(x, w, { ...c.opts, out });
    expect(y).toBe(out);
    expect(Array.from(out.data)).toEqual(Array.from(expected.data));
    const dx = { data: new Float32Array(x.data.length).fill(7), shape: x.shape };
    conv2dBackwardData(expected, w, { ...c.opts, inputShape: c.xShape, out: dx });
    expect(Array.from(dx.data)).toEqual(
      Array.from(conv2dBackwardData(expected, w, { ...c.opts, inputShape: c.xShape }).data),
    );
  });
});

describe('memory', () => {
  it('does not grow RSS over many sync and async calls', async () => {
    const x = tensor([4, 32, 32, 32], 1);
    const w = tensor([32, 32, 3, 3], 2);
    const dy = tensor([4, 32, 32, 32], 3);
    const opts = { padding: 1 };
    const round = async () => {
      conv2d(x, w, opts);
      await conv2dAsync(x, w, opts);
      conv2dBackwardData(dy, w, { ...opts, inputShape: x.shape });
      await conv2dBackwardFilterAsync(x, dy, { ...opts, filterShape: w.shape });
    };
    for (let i = 0; i < 20; i++) await round(); // warm up allocators and the thread pool
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 150; i++) await round();
    globalThis.gc?.();
    const grown = process.memoryUsage().rss - before;
    // 150 rounds allocate ~600 MB of outputs and workspaces; a leak of any of it would show.
    expect(grown).toBeLessThan(64 * 2 ** 20);
  });
});
