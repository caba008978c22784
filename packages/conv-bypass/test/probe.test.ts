import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConvRouter,
  DecisionDb,
  decisionKey,
  detectCapabilities,
  getBypassStats,
  makeProblem,
  probeVendorPath,
  resetBypassStats,
  type Tensor4,
} from '../src/index.js';
import { fakeAlgorithm, fakeGpuCapabilities } from './fixtures/fake-gpu.js';

// The probe runs the vendor path in a separate @rocm-patch/mp process (dist/probe-worker.mjs, so the
// package must be built). The vendor library here is a test double (test/fixtures/fake-vendor.mjs); the
// faults are injected with ROCM_PATCH_FAULT exactly as they would be for the native vendor path.

const fakeVendor = new URL('./fixtures/fake-vendor.mjs', import.meta.url).href;
const wrongVendor = new URL('./fixtures/wrong-vendor.mjs', import.meta.url).href;
const geometry = {
  stride: [2, 1] as [number, number],
  padding: [1, 1, 0, 2] as [number, number, number, number],
  dilation: [1, 1] as [number, number],
  groups: 1,
};
const problem = makeProblem('forward', [2, 3, 12, 12], [4, 3, 3, 3], geometry);
const capabilities = fakeGpuCapabilities({}, { vendorModule: fakeVendor });
const key = decisionKey(problem, capabilities);

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('probeVendorPath (separate process)', () => {
  it('a working vendor path probes ok, in every direction', async () => {
    for (const direction of ['forward', 'backwardData', 'backwardFilter'] as const) {
      const p = { ...problem, direction };
      const result = await probeVendorPath(p, decisionKey(p, capabilities), capabilities, 20_000);
      expect(result, direction).toMatchObject({ outcome: 'ok' });
      expect(result.ms).toBeGreaterThanOrEqual(0);
    }
  }, 60_000);

  it('an injected throw is recorded as error', async () => {
    vi.stubEnv('ROCM_PATCH_FAULT', `throw:${key.split('|')[2]}`);
    const result = await probeVendorPath(problem, key, capabilities, 20_000);
    expect(result.outcome).toBe('error');
    expect(result.detail).toMatch(/InjectedFaultError: injected vendor failure/);
  }, 30_000);

  it('an injected crash (SIGSEGV) is recorded as crash', async () => {
    vi.stubEnv('ROCM_PATCH_FAULT', 'crash');
    const result = await probeVendorPath(problem, key, capabilities, 20_000);
    expect(result).toMatchObject({ outcome: 'crash' });
    expect(result.detail).toMatch(/SIGSEGV/);
  }, 30_000);

  it('an injected hang is killed at the timeout and recorded as hang', async () => {
    vi.stubEnv('ROCM_PATCH_FAULT', 'hang:forward');
    const start = performance.now();
    const result = await probeVendorPath(problem, key, capabilities, 1500);
    expect(result.outcome).toBe('hang');
    expect(result.detail).toMatch(/1500 ms/);
    expect(performance.now() - start).toBeLessThan(15_000);
  }, 30_000);

  it('a fault for another key does not fire', async () => {
    vi.stubEnv('ROCM_PATCH_FAULT', 'crash:x9x9x9x9,hang:backwardFilter');
    expect((await probeVendorPath(problem, key, capabilities, 20_000)).outcome).toBe('ok');
  }, 30_000);

  it('a vendor path that computes wrong numbers is an error', async () => {
    const result = await probeVendorPath(problem, key, { vendorModule: wrongVendor }, 20_000);
    expect(result.outcome).toBe('error');
    expect(result.detail).toMatch(/differs from ours/);
  }, 30_000);

  it('probes the real vendor library: ok where the build and machine have one, else an error saying why', async () => {
    const result = await probeVendorPath(problem, key, {}, 20_000);
    if (detectCapabilities().vendor) {
      expect(result.outcome).toBe('ok');
    } else {
      expect(result.outcome).toBe('error');
      expect(result.detail).toMatch(/no vendor conv library/);
    }
  }, 30_000);
});

describe('the router with real probes', () => {
  it('SELECTIVE probes each new key once: a hanging key stays on our kernel, a healthy one uses the vendor', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    resetBypassStats();
    const igemm = fakeAlgorithm('implicit_gemm');
    const vendor = fakeAlgorithm('vendor');
    const caps = fakeGpuCapabilities({ implicit_gemm: igemm, vendor }, { vendorModule: fakeVendor });
    const db = new DecisionDb(join(mkdtempSync(join(tmpdir(), 'rp-probe-')), 'db.json'));
    const router = new ConvRouter(
      { strategy: 'selective', decisionDb: db, probeTimeoutMs: 1500, capabilities: caps },
      { capabilities: () => caps, probe: probeVendorPath },
    );
    vi.stubEnv('ROCM_PATCH_FAULT', 'hang:x1x2x10x10');
    const operands = (size: number) => ({
      direction: 'forward' as const,
      x: { data: new Float32Array(2 * size * size).fill(1), shape: [1, 2, size, size] } as Tensor4,
      w: { data: new Float32Array(2 * 2 * 9).fill(0.5), shape: [2, 2, 3, 3] } as Tensor4,
    });
    const g = {
      stride: [1, 1] as [number, number],
      padding: [1, 1, 1, 1] as [number, number, number, number],
      dilation: [1, 1] as [number, number],
      groups: 1,
    };
    await router.runAsync('test', operands(10), g);
    await router.runAsync('test', operands(10), g);
    await router.runAsync('test', operands(12), g);
    const hung = db.get(router.keyOf(operands(10), g).key);
    const healthy = db.get(router.keyOf(operands(12), g).key);
    expect(hung?.probe?.outcome).toBe('hang');
    expect(healthy?.probe?.outcome).toBe('ok');
    expect([igemm.calls, vendor.calls]).toEqual([2, 1]);
    expect(getBypassStats()).toMatchObject({ totalCalls: 3, bypassedCalls: 2 });
  }, 60_000);
});
