import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  conv2d,
  conv2dBackwardBias,
  conv2dBackwardData,
  conv2dBackwardFilter,
  createConvRouter,
  decisionKey,
  detectCapabilities,
  FallbackStrategy,
  formatBypassReport,
  getBypassStats,
  makeProblem,
  patchLayers,
  printBypassReport,
  resetBypassStats,
  SafeConv2d,
  type Tensor4,
} from '../src/index.js';

function tensor(shape: [number, number, number, number], seed: number): Tensor4 {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(seed * 3.3 + i * 0.61);
  return { data, shape };
}

const router = createConvRouter({ decisionDb: join(mkdtempSync(join(tmpdir(), 'rp-safe-')), 'db.json') });

beforeEach(() => resetBypassStats());

describe('SafeConv2d', () => {
  it('forward and backward equal the conv API, with per-layer statistics', () => {
    const weight = tensor([4, 2, 3, 3], 1);
    const bias = new Float32Array([0.1, -0.2, 0.3, 0.4]);
    const layer = new SafeConv2d({
      weight,
      bias,
      stride: 2,
      padding: 'same',
      groups: 1,
      // CPU on request: compared bit for bit with the conv API's CPU path (on a GPU machine AUTO would
      // pick a GPU kernel, whose sums round differently).
      strategy: FallbackStrategy.CPU,
      router,
      name: 'first',
    });
    const x = tensor([2, 2, 9, 7], 2);
    const y = layer.forward(x) as Tensor4;
    const expected = conv2d(x, weight, { stride: 2, padding: 'same', bias, device: 'cpu' });
    expect(y.shape).toEqual(expected.shape);
    expect(y.data).toEqual(expected.data);
    const dy = tensor(expected.shape, 3);
    const { dx, dw, db } = layer.backward(dy);
    expect((dx as Tensor4).data).toEqual(
      conv2dBackwardData(dy, weight, { stride: 2, padding: 'same', inputShape: x.shape, device: 'cpu' }).data,
    );
    expect((dw as Tensor4).data).toEqual(
      conv2dBackwardFilter(x, dy, { stride: 2, padding: 'same', filterShape: weight.shape, device: 'cpu' })
        .data,
    );
    expect(db).toEqual(conv2dBackwardBias(dy));
    expect(layer.stats()).toMatchObject({ calls: 3, byAlgorithm: { cpu: 3 } });
    expect(getBypassStats().byKernel).toEqual({
      'SafeConv2d.forward': 1,
      'SafeConv2d.backwardData': 1,
      'SafeConv2d.backwardFilter': 1,
    });
  });

  it('rejects bad weights, bias and strategy, and backward before forward', () => {
    expect(() => new SafeConv2d({ weight: { data: new Float32Array(4), shape: [2, 2] } as never })).toThrow(
      /options\.weight must be a rank-4 tensor/,
    );
    expect(() => new SafeConv2d({ weight: tensor([3, 1, 1, 1], 1), bias: new Float32Array(2) })).toThrow(
      /options\.bias has 2 elements, expected K = 3/,
    );
    expect(() => new SafeConv2d({ weight: tensor([3, 1, 1, 1], 1), strategy: 'magic' as never })).toThrow(
      /options\.strategy must be one of/,
    );
    const layer = new SafeConv2d({ weight: tensor([3, 1, 1, 1], 1), router });
    expect(() => layer.backward(tensor([1, 3, 2, 2], 1))).toThrow(/call forward\(\) first/);
    expect(() => layer.forward(tensor([1, 2, 4, 4], 1))).toThrow(RangeError);
  });

  it('patchLayers builds a stack of layers with one strategy', () => {
    const layers = patchLayers(
      [
        { weight: tensor([4, 3, 3, 3], 1), padding: 1 },
        new SafeConv2d({ weight: tensor([2, 4, 1, 1], 2), router }),
      ],
      { strategy: 'cpu', router },
    );
    expect(layers.map((l) => l.strategy)).toEqual(['cpu', 'cpu']);
    let h = tensor([1, 3, 5, 5], 3) as Tensor4;
    for (const layer of layers) h = layer.forward(h) as Tensor4;
    expect(h.shape).toEqual([1, 2, 5, 5]);
    expect(getBypassStats().totalCalls).toBe(2);
  });
});

describe('statistics', () => {
  it('count calls per kernel, algorithm and key, and print a table', () => {
    const layer = new SafeConv2d({
      weight: tensor([2, 1, 3, 3], 1),
      padding: 1,
      strategy: FallbackStrategy.CPU,
      router,
    });
    // Keys name the device and vendor library this process has ('cpu|…|none' here; e.g. 'cuda:sm_90|…|cudnn@9'
    // on a GPU machine).
    const geometry = {
      stride: [1, 1] as [number, number],
      padding: [1, 1, 1, 1] as [number, number, number, number],
      dilation: [1, 1] as [number, number],
      groups: 1,
    };
    const keyOf = (h: number) =>
      decisionKey(makeProblem('forward', [1, 1, h, h], [2, 1, 3, 3], geometry), detectCapabilities());
    layer.forward(tensor([1, 1, 6, 6], 1));
    layer.forward(tensor([1, 1, 6, 6], 2));
    layer.forward(tensor([1, 1, 8, 8], 3));
    const stats = getBypassStats();
    expect(Object.keys(stats).sort()).toEqual([
      'byAlgorithm',
      'byKernel',
      'bypassedCalls',
      'keys',
      'totalCalls',
    ]);
    expect(stats).toMatchObject({
      totalCalls: 3,
      bypassedCalls: 3,
      byAlgorithm: { cpu: 3 },
      byKernel: { 'SafeConv2d.forward': 3 },
    });
    expect(stats.keys.map((k) => [k.key, k.calls])).toEqual([
      [keyOf(6), 2],
      [keyOf(8), 1],
    ]);
    expect(stats.keys[0]!.algorithms.cpu!.calls).toBe(2);
    // A snapshot: later calls do not change it.
    layer.forward(tensor([1, 1, 6, 6], 1));
    expect(stats.totalCalls).toBe(3);
    const lines: string[] = [];
    printBypassReport((text) => lines.push(text));
    expect(lines.join('\n')).toBe(formatBypassReport());
    expect(lines[0]).toMatch(/^conv bypass: 4 calls, 4 bypassed \(100\.0%\)/);
    expect(lines[0]).toMatch(/calls\s+ms\s+algorithms\s+key/);
    resetBypassStats();
    expect(getBypassStats()).toEqual({
      totalCalls: 0,
      bypassedCalls: 0,
      byAlgorithm: {},
      byKernel: {},
      keys: [],
    });
  });
});
