import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ConvOperands,
  type ConvProblem,
  ConvRouter,
  DecisionDb,
  decisionKey,
  detectCapabilities,
  FallbackStrategy,
  getBypassStats,
  makeProblem,
  type ProbeFunction,
  planAlgorithm,
  resetBypassStats,
  type Tensor4,
} from '../src/index.js';
import { fakeAlgorithm, fakeGpuCapabilities } from './fixtures/fake-gpu.js';

const geometry = {
  stride: [1, 1] as [number, number],
  padding: [1, 1, 1, 1] as [number, number, number, number],
  dilation: [1, 1] as [number, number],
  groups: 1,
};

function tensor(shape: [number, number, number, number], seed = 1): Tensor4 {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(seed * 7.1 + i * 0.37);
  return { data, shape };
}

function forward(size: number): ConvOperands {
  return { direction: 'forward', x: tensor([1, 2, size, size]), w: tensor([3, 2, 3, 3], 2) };
}

function problem(size: number): ConvProblem {
  return makeProblem('forward', [1, 2, size, size], [3, 2, 3, 3], geometry);
}

function tempDb(): DecisionDb {
  return new DecisionDb(join(mkdtempSync(join(tmpdir(), 'rp-strategy-')), 'decisions.json'));
}

const noProbe: ProbeFunction = () => Promise.reject(new Error('no probe expected in this test'));

function routerWith(
  capabilities: ReturnType<typeof fakeGpuCapabilities>,
  options: { strategy?: FallbackStrategy; probe?: ProbeFunction; db?: DecisionDb } = {},
): ConvRouter {
  return new ConvRouter(
    { strategy: options.strategy, decisionDb: options.db ?? tempDb(), capabilities },
    { capabilities: () => capabilities, probe: options.probe ?? noProbe },
  );
}

beforeEach(() => resetBypassStats());
afterEach(() => vi.restoreAllMocks());

describe('planAlgorithm (pure rule)', () => {
  const cpuOnly = { gpu: null, vendor: null, algorithms: {} };
  const gpu = fakeGpuCapabilities({
    implicit_gemm: fakeAlgorithm('implicit_gemm'),
    gpu_unfold: fakeAlgorithm('gpu_unfold'),
    vendor: fakeAlgorithm('vendor'),
  });
  const safe = { probe: { outcome: 'ok' as const, at: '' } };
  const hang = { probe: { outcome: 'hang' as const, at: '' } };

  it('on a machine without a GPU, AUTO, SELECTIVE and CPU run on the CPU; GPU strategies are an error', () => {
    for (const strategy of ['auto', 'selective', 'cpu'] as const) {
      expect(planAlgorithm(strategy, problem(8), cpuOnly, undefined)).toEqual({
        kind: 'fixed',
        algorithm: 'cpu',
        probeVendor: false,
      });
    }
    for (const strategy of ['vendor', 'implicit_gemm', 'gpu_unfold'] as const) {
      expect(() => planAlgorithm(strategy, problem(8), cpuOnly, undefined)).toThrow(
        `strategy '${strategy}' needs a GPU`,
      );
    }
  });

  it('on a GPU machine AUTO never picks the CPU, and the vendor path only once probed safe', () => {
    expect(planAlgorithm('auto', problem(8), gpu, undefined)).toEqual({
      kind: 'time',
      candidates: ['implicit_gemm', 'gpu_unfold'],
      probeVendor: true,
    });
    expect(planAlgorithm('auto', problem(8), gpu, safe)).toEqual({
      kind: 'time',
      candidates: ['implicit_gemm', 'gpu_unfold', 'vendor'],
      probeVendor: false,
    });
    expect(planAlgorithm('auto', problem(8), gpu, hang)).toEqual({
      kind: 'time',
      candidates: ['implicit_gemm', 'gpu_unfold'],
      probeVendor: false,
    });
    expect(
      planAlgorithm('auto', problem(8), gpu, { ...safe, unsafe: { reason: 'threw', at: '' } }).kind ===
        'time' &&
        (
          planAlgorithm('auto', problem(8), gpu, { ...safe, unsafe: { reason: 'threw', at: '' } }) as {
            candidates: string[];
          }
        ).candidates,
    ).not.toContain('vendor');
  });

  it('SELECTIVE: vendor at max(H, W) ≤ threshold when probed safe, ours above or when unsafe', () => {
    expect(planAlgorithm('selective', problem(42), gpu, safe)).toMatchObject({ algorithm: 'vendor' });
    expect(planAlgorithm('selective', problem(43), gpu, safe)).toMatchObject({
      algorithm: 'implicit_gemm',
      probeVendor: false,
    });
    expect(planAlgorithm('selective', problem(42), gpu, undefined)).toMatchObject({
      algorithm: 'implicit_gemm',
      probeVendor: true,
    });
    expect(planAlgorithm('selective', problem(42), gpu, hang)).toMatchObject({
      algorithm: 'implicit_gemm',
      probeVendor: false,
    });
    expect(planAlgorithm('selective', problem(20), gpu, safe, 16)).toMatchObject({
      algorithm: 'implicit_gemm',
    });
  });

  it('explicit strategies run what they name; CPU only when asked', () => {
    expect(planAlgorithm('cpu', problem(8), gpu, undefined)).toMatchObject({ algorithm: 'cpu' });
    expect(planAlgorithm('gpu_unfold', problem(8), gpu, undefined)).toMatchObject({
      algorithm: 'gpu_unfold',
    });
    expect(planAlgorithm('implicit_gemm', problem(8), gpu, undefined)).toMatchObject({
      algorithm: 'implicit_gemm',
    });
    expect(planAlgorithm('vendor', problem(8), gpu, undefined)).toMatchObject({ algorithm: 'vendor' });
    const noVendor = fakeGpuCapabilities(
      { implicit_gemm: fakeAlgorithm('implicit_gemm') },
      { vendor: false },
    );
    expect(() => planAlgorithm('vendor', problem(8), noVendor, undefined)).toThrow(/no vendor conv library/);
  });

  it('the decision key names arch, direction, shapes, stride, padding, dilation, groups and library version', () => {
    const key = decisionKey(
      makeProblem('backwardData', [2, 4, 9, 7], [6, 2, 3, 1], {
        stride: [2, 1],
        padding: [1, 0, 0, 2],
        dilation: [1, 3],
        groups: 2,
      }),
      gpu,
    );
    expect(key).toBe('hip:gfx1010|backwardData|x2x4x9x7|w6x2x3x1|s2x1|p1x0x0x2|d1x3|g2|miopen@2.16.0');
  });

  it('on the machine it runs on, AUTO uses the CPU only when there is no GPU', () => {
    const capabilities = detectCapabilities();
    const plan = planAlgorithm(FallbackStrategy.AUTO, problem(8), capabilities, undefined);
    if (capabilities.gpu === null) {
      expect(plan).toMatchObject({ algorithm: 'cpu' });
    } else {
      // A GPU machine never falls back to the CPU silently.
      const chosen = plan.kind === 'fixed' ? [plan.algorithm] : plan.candidates;
      expect(chosen.length).toBeGreaterThan(0);
      expect(chosen).not.toContain('cpu');
    }
  });
});

describe('ConvRouter', () => {
  it('AUTO times each safe candidate once, keeps the fastest, and remembers it in memory and the database', () => {
    const igemm = fakeAlgorithm('implicit_gemm', { slowMs: 30 });
    const unfold = fakeAlgorithm('gpu_unfold');
    const vendor = fakeAlgorithm('vendor', { slowMs: 30 });
    const db = tempDb();
    const capabilities = fakeGpuCapabilities({ implicit_gemm: igemm, gpu_unfold: unfold, vendor });
    const key = decisionKey(problem(8), capabilities);
    db.update(key, { probe: { outcome: 'ok', at: '' } });
    const router = routerWith(capabilities, { db });
    for (let i = 0; i < 4; i++) router.run('test', forward(8), geometry);
    expect([igemm.calls, unfold.calls, vendor.calls]).toEqual([1, 4, 1]);
    expect(db.get(key)?.choice).toMatchObject({
      algorithm: 'gpu_unfold',
      candidates: ['implicit_gemm', 'gpu_unfold', 'vendor'],
    });
    // A new router (a new process) reads the choice and times nothing.
    const again = routerWith(capabilities, { db: new DecisionDb(db.path) });
    again.run('test', forward(8), geometry);
    expect([igemm.calls, unfold.calls, vendor.calls]).toEqual([1, 5, 1]);
    const stats = getBypassStats();
    expect(stats.totalCalls).toBe(5);
    expect(stats.byAlgorithm).toEqual({ gpu_unfold: 5 });
  });

  it('a vendor call that throws is retried once on our kernel and its key is marked unsafe', () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const igemm = fakeAlgorithm('implicit_gemm');
    const vendor = fakeAlgorithm('vendor', { fail: () => true });
    const db = tempDb();
    const capabilities = fakeGpuCapabilities({ implicit_gemm: igemm, vendor });
    const key = decisionKey(problem(8), capabilities);
    db.update(key, { probe: { outcome: 'ok', at: '' } });
    const router = routerWith(capabilities, { db, strategy: 'selective' });
    const expected = fakeAlgorithm('cpu').forward(
      tensor([1, 2, 8, 8]),
      tensor([3, 2, 3, 3], 2),
      geometry,
    ) as Tensor4;
    const first = router.run('test', forward(8), geometry) as Tensor4;
    expect(first.data).toEqual(expected.data);
    expect([vendor.calls, igemm.calls]).toEqual([1, 1]);
    expect(new DecisionDb(db.path).get(key)?.unsafe?.reason).toMatch(/fake vendor failed/);
    expect(warning).toHaveBeenCalledWith(expect.stringMatching(/marked unsafe/), expect.anything());
    router.run('test', forward(8), geometry);
    expect([vendor.calls, igemm.calls]).toEqual([1, 2]);
    expect(getBypassStats().byAlgorithm).toEqual({ implicit_gemm: 2 });
  });

  it('the in-process fault injection (ROCM_PATCH_FAULT=throw:pattern) reaches the vendor path of matching keys only', () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const igemm = fakeAlgorithm('implicit_gemm');
    const vendor = fakeAlgorithm('vendor');
    const db = tempDb();
    const capabilities = fakeGpuCapabilities({ implicit_gemm: igemm, vendor });
    for (const size of [8, 9])
      db.update(decisionKey(problem(size), capabilities), { probe: { outcome: 'ok', at: '' } });
    const router = routerWith(capabilities, { db, strategy: 'vendor' });
    vi.stubEnv('ROCM_PATCH_FAULT', 'throw:x1x2x9x9');
    try {
      router.run('test', forward(8), geometry);
      router.run('test', forward(9), geometry);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(db.get(decisionKey(problem(8), capabilities))?.unsafe).toBeUndefined();
    expect(db.get(decisionKey(problem(9), capabilities))?.unsafe?.reason).toMatch(/InjectedFaultError/);
    expect(getBypassStats().byAlgorithm).toEqual({ vendor: 1, implicit_gemm: 1 });
    expect(getBypassStats().bypassedCalls).toBe(1);
  });

  it('run() uses our kernel while a new key is probed in the background; runAsync() waits for the probe', async () => {
    const igemm = fakeAlgorithm('implicit_gemm');
    const vendor = fakeAlgorithm('vendor');
    let probes = 0;
    const probe: ProbeFunction = async () => {
      probes += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { outcome: 'ok', ms: 1 };
    };
    const capabilities = fakeGpuCapabilities({ implicit_gemm: igemm, vendor });
    const router = routerWith(capabilities, { strategy: 'selective', probe });
    router.run('test', forward(8), geometry);
    router.run('test', forward(8), geometry);
    expect([igemm.calls, vendor.calls]).toEqual([2, 0]);
    await router.runAsync('test', forward(8), geometry);
    expect(probes).toBe(1);
    expect(vendor.calls).toBe(1);
    await router.runAsync('test', forward(16), geometry);
    expect(probes).toBe(2);
    expect(vendor.calls).toBe(2);
  });

  it('probesSettled() resolves once every probe started so far has an outcome', async () => {
    const igemm = fakeAlgorithm('implicit_gemm');
    const vendor = fakeAlgorithm('vendor');
    const finished: number[] = [];
    const probe: ProbeFunction = async (p) => {
      await new Promise((resolve) => setTimeout(resolve, 5 * p.x[2]!));
      finished.push(p.x[2]!);
      return { outcome: 'ok', ms: 1 };
    };
    const router = routerWith(fakeGpuCapabilities({ implicit_gemm: igemm, vendor }), {
      strategy: 'selective',
      probe,
    });
    await router.probesSettled(); // nothing pending
    router.run('test', forward(12), geometry);
    router.run('test', forward(8), geometry);
    await router.probesSettled();
    expect(finished.sort((a, b) => a - b)).toEqual([8, 12]);
    router.run('test', forward(12), geometry);
    expect(vendor.calls).toBe(1);
  });

  it('a key whose probe hung never uses the vendor path', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const igemm = fakeAlgorithm('implicit_gemm');
    const vendor = fakeAlgorithm('vendor');
    const probe: ProbeFunction = async () => ({ outcome: 'hang', detail: 'no answer' });
    const db = tempDb();
    const capabilities = fakeGpuCapabilities({ implicit_gemm: igemm, vendor });
    const router = routerWith(capabilities, { strategy: 'selective', probe, db });
    await router.runAsync('test', forward(8), geometry);
    await router.runAsync('test', forward(8), geometry);
    expect([igemm.calls, vendor.calls]).toEqual([2, 0]);
    expect(new DecisionDb(db.path).get(decisionKey(problem(8), capabilities))?.probe?.outcome).toBe('hang');
  });

  it('rejects a bad strategy and threshold with named errors', () => {
    const capabilities = fakeGpuCapabilities({ implicit_gemm: fakeAlgorithm('implicit_gemm') });
    expect(
      () => new ConvRouter({ strategy: 'fastest' as never }, { capabilities: () => capabilities }),
    ).toThrow(/options\.strategy must be one of/);
    expect(() => new ConvRouter({ selectiveThreshold: 0 }, { capabilities: () => capabilities })).toThrow(
      RangeError,
    );
    const router = routerWith(capabilities);
    expect(() => router.run('test', forward(8), geometry, { strategy: 'nope' as never })).toThrow(TypeError);
  });
});

describe('ConvRouter: a probe that cannot run', () => {
  it('is tried once per process, warns once, and the key stays on our kernel', async () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const igemm = fakeAlgorithm('implicit_gemm');
    const vendor = fakeAlgorithm('vendor');
    let attempts = 0;
    const probe: ProbeFunction = async () => {
      attempts += 1;
      throw new Error('cannot start the probe process');
    };
    const capabilities = fakeGpuCapabilities({ implicit_gemm: igemm, vendor });
    const router = routerWith(capabilities, { strategy: 'selective', probe });
    for (let i = 0; i < 3; i++) router.run('test', forward(8), geometry);
    await router.runAsync('test', forward(8), geometry);
    expect(attempts).toBe(1);
    expect([igemm.calls, vendor.calls]).toEqual([4, 0]);
    expect(warning.mock.calls.filter(([message]) => String(message).includes('could not run'))).toHaveLength(
      1,
    );
  });
});

describe('ConvRouter: AUTO while the vendor path is being probed', () => {
  it('chooses among our kernels provisionally, then times the vendor path once it probed safe', async () => {
    const igemm = fakeAlgorithm('implicit_gemm');
    const unfold = fakeAlgorithm('gpu_unfold', { slowMs: 30 });
    const vendor = fakeAlgorithm('vendor');
    let release: () => void = () => {};
    const probed = new Promise<void>((resolve) => {
      release = resolve;
    });
    const probe: ProbeFunction = async () => {
      await probed;
      return { outcome: 'ok', ms: 1 };
    };
    const db = tempDb();
    const capabilities = fakeGpuCapabilities({ implicit_gemm: igemm, gpu_unfold: unfold, vendor });
    const router = routerWith(capabilities, { probe, db });
    router.run('test', forward(8), geometry);
    router.run('test', forward(8), geometry);
    expect([igemm.calls, unfold.calls, vendor.calls]).toEqual([2, 1, 0]);
    // Provisional: not written to the database while the vendor path is unprobed.
    expect(db.get(decisionKey(problem(8), capabilities))?.choice).toBeUndefined();
    release();
    await router.probe(problem(8), decisionKey(problem(8), capabilities));
    router.run('test', forward(8), geometry);
    expect(vendor.calls).toBe(1);
    expect(db.get(decisionKey(problem(8), capabilities))?.choice?.candidates).toEqual([
      'implicit_gemm',
      'gpu_unfold',
      'vendor',
    ]);
  });
});
