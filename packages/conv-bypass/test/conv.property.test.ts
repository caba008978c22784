// The addon against the naive reference (the definition of convolution), on random geometry, for
// every GEMM kernel this CPU runs.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  conv2d,
  conv2dBackwardBias,
  conv2dBackwardData,
  conv2dBackwardFilter,
  cpuInfo,
  resolveParams,
  setCpuIsa,
  setCpuThreads,
} from '../src/index.js';
import { addon } from '../src/native.js';
import { type ConvCase, convCase, paramsOf, type Shape4, tensor } from './cases.js';
import { randomData, refBackwardData, refBackwardFilter, refForward, relError } from './reference.js';

const TOLERANCE = 1e-4;
const initial = cpuInfo();

afterAll(() => {
  setCpuIsa(initial.isa);
  setCpuThreads(initial.threads);
});

function checkAll(c: ConvCase, withBias: boolean): void {
  const p = paramsOf(c)!;
  const x = tensor(c.xShape, c.seed);
  const w = tensor(c.wShape, c.seed + 1);
  const bias = withBias ? randomData(p.k, c.seed + 2) : undefined;
  const y = conv2d(x, w, { ...c.opts, ...(bias ? { bias } : {}) });
  expect(y.shape).toEqual([p.n, p.k, p.p, p.q]);
  expect(relError(y.data, refForward(p, x.data, w.data, bias))).toBeLessThan(TOLERANCE);

  const dy = tensor(y.shape, c.seed + 3);
  const dx = conv2dBackwardData(dy, w, { ...c.opts, inputShape: c.xShape });
  expect(dx.shape).toEqual(c.xShape);
  expect(relError(dx.data, refBackwardData(p, dy.data, w.data))).toBeLessThan(TOLERANCE);

  const dw = conv2dBackwardFilter(x, dy, { ...c.opts, filterShape: c.wShape });
  expect(dw.shape).toEqual(c.wShape);
  expect(relError(dw.data, refBackwardFilter(p, x.data, dy.data))).toBeLessThan(TOLERANCE);
}

describe.each(initial.availableIsas)('CPU kernel %s', (isa) => {
  it('matches the reference on random geometry (stride, asymmetric padding, dilation, groups)', () => {
    setCpuIsa(isa);
    fc.assert(
      fc.property(convCase(), fc.boolean(), (c, withBias) => checkAll(c, withBias)),
      { numRuns: 80, seed: 4 },
    );
  });

  it('matches the reference on depthwise convolutions (with channel multipliers)', () => {
    setCpuIsa(isa);
    fc.assert(
      fc.property(convCase({ depthwiseOnly: true, maxSpatial: 14 }), (c) => checkAll(c, true)),
      { numRuns: 40, seed: 5 },
    );
  });

  it('matches the reference on 3×3 stride-1 depthwise (the fused row kernel and its edges)', () => {
    setCpuIsa(isa);
    fc.assert(
      fc.property(
        convCase({ depthwiseOnly: true, maxSpatial: 12 }).map((c) => ({
          ...c,
          wShape: [c.wShape[0], 1, 3, 3] as Shape4,
          opts: { ...c.opts, stride: [(c.opts.stride as [number, number])[0], 1] as [number, number] },
        })),
        (c) => {
          if (paramsOf(c)) checkAll(c, true);
        },
      ),
      { numRuns: 40, seed: 6 },
    );
  });

  it('matches the reference past every cache block (M > MC, N > NC, K > KC) and on edge tiles', () => {
    setCpuIsa(isa);
    // K·R·S = 40·9 = 360 > KC = 256; K = 136 > MC; P·Q = 23·25 = 575 > NC = 512; nothing divides evenly.
    checkAll({ xShape: [1, 40, 23, 25], wShape: [136, 40, 3, 3], opts: { padding: 1 }, seed: 11 }, true);
    // Pointwise (1×1) layers take the GEMM-only backward-data path.
    checkAll({ xShape: [2, 37, 9, 7], wShape: [19, 37, 1, 1], opts: {}, seed: 12 }, false);
  });
});

describe('threads and workspace', () => {
  const c: ConvCase = {
    xShape: [3, 12, 15, 13],
    wShape: [10, 6, 3, 2],
    opts: { stride: [2, 1], padding: [2, 1, 0, 1], dilation: [1, 2], groups: 2 },
    seed: 21,
  };

  it('gives the same result with 1, 2 and 3 threads (3 > cores here)', () => {
    for (const threads of [1, 2, 3]) {
      setCpuThreads(threads);
      expect(cpuInfo().threads).toBe(threads);
      checkAll(c, true);
    }
    setCpuThreads(initial.threads);
  });

  it('is correct when the im2col workspace bound forces chunking over columns and images', () => {
    const a = addon();
    const before = a.getWorkspaceLimit();
    try {
      for (const limit of [1, 200, 5000]) {
        a.setWorkspaceLimit(limit);
        checkAll(c, false);
      }
    } finally {
      a.setWorkspaceLimit(before);
    }
  });

  it('splits K across threads when there are fewer tiles than threads (one big reduction)', () => {
    setCpuThreads(2);
    const p = resolveParams([1, 2, 40, 40], [3, 2, 3, 3], { padding: 1 }, 't');
    const x = tensor([1, 2, 40, 40], 31);
    const dy = tensor([1, 3, p.p, p.q], 32);
    const dw = conv2dBackwardFilter(x, dy, { padding: 1, filterShape: [3, 2, 3, 3] });
    expect(relError(dw.data, refBackwardFilter(p, x.data, dy.data))).toBeLessThan(TOLERANCE);
  });
});

describe('conv2dBackwardBias', () => {
  it('sums dy over N, P and Q', () => {
    const shape: Shape4 = [2, 3, 4, 5];
    const dy = tensor(shape, 41);
    const db = conv2dBackwardBias(dy);
    expect(db.length).toBe(3);
    for (let k = 0; k < 3; k++) {
      let sum = 0;
      for (let n = 0; n < 2; n++) for (let i = 0; i < 20; i++) sum += dy.data[(n * 3 + k) * 20 + i]!;
      expect(db[k]).toBeCloseTo(sum, 5);
    }
  });
});
