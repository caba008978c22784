import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConvAlgorithm,
  type ConvOperand,
  createConvRouter,
  detectCapabilities,
  type Tensor4,
} from '@rocm-patch/conv-bypass';
import { afterAll, expect, it, vi } from 'vitest';
import { runConvSelfTest } from '../src/self-test.js';

const dir = mkdtempSync(join(tmpdir(), 'rocm-patch-selftest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cpu = detectCapabilities().algorithms.cpu!;

/** The CPU algorithm with every result nudged: what a broken GPU kernel looks like. */
const skewed: ConvAlgorithm = {
  name: 'implicit_gemm',
  forward: (...args) => nudge(cpu.forward(...args)),
  backwardData: (...args) => nudge(cpu.backwardData(...args)),
  backwardFilter: (...args) => nudge(cpu.backwardFilter(...args)),
};
function nudge(operand: ConvOperand): Tensor4 {
  const t = operand as Tensor4;
  const data = Float32Array.from(t.data, (v, i) => (i === 0 ? v + 0.5 : v));
  return { data, shape: t.shape };
}
const throwing: ConvAlgorithm = {
  name: 'gpu_unfold',
  forward: () => {
    throw new Error('hipErrorLaunchFailure');
  },
  backwardData: () => {
    throw new Error('hipErrorLaunchFailure');
  },
  backwardFilter: () => {
    throw new Error('hipErrorLaunchFailure');
  },
};

it('checks the CPU against the JS reference: all ok on this machine', async () => {
  const report = await runConvSelfTest({
    router: createConvRouter({
      decisionDb: join(dir, 'a.json'),
      capabilities: { gpu: null, vendor: null, algorithms: { cpu } },
    }),
  });
  expect(report.gpu).toBeNull();
  expect(report.algorithms).toEqual(['cpu']);
  expect(report.checks).toHaveLength(6);
  expect(report.ok).toBe(true);
});

it('flags a GPU algorithm whose results differ from the CPU, one that throws, and skips a vendor path that hangs its probe', async () => {
  let probes = 0;
  const router = createConvRouter({
    decisionDb: join(dir, 'b.json'),
    capabilities: {
      gpu: { name: 'Radeon RX 5700 XT', arch: 'gfx1010', backend: 'hip' },
      vendor: { library: 'miopen', version: '2.16.0' },
      algorithms: { cpu, implicit_gemm: skewed, gpu_unfold: throwing, vendor: cpu },
    },
    probe: async () => {
      probes++;
      return { outcome: 'hang', detail: 'no answer in 10000 ms' };
    },
  });
  const progress: number[] = [];
  // Each hung probe warns once (the router's ROCM_PATCH_VENDOR_UNSAFE warning): expected here, so
  // captured and checked instead of printed into the test output.
  const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
  const report = await runConvSelfTest({ router, onCheck: (_c, i, total) => progress.push(i / total) });
  const warnings = emitWarning.mock.calls.map(([message, options]) => ({ message, options }));
  emitWarning.mockRestore();
  expect(warnings).toHaveLength(6);
  for (const w of warnings) {
    expect(w.options).toEqual({ code: 'ROCM_PATCH_VENDOR_UNSAFE' });
    expect(w.message).toMatch(
      /^the vendor conv path failed its probe \(hang\) for .*: no answer in 10000 ms; this key uses our kernels$/,
    );
  }
  expect(report.algorithms).toEqual(['cpu', 'gpu_unfold', 'implicit_gemm', 'vendor']);
  const by = (name: string) => report.checks.filter((c) => c.algorithm === name);
  expect(by('cpu').every((c) => c.status === 'ok')).toBe(true);
  expect(by('implicit_gemm').every((c) => c.status === 'mismatch' && c.against === 'cpu')).toBe(true);
  expect(
    by('gpu_unfold').every((c) => c.status === 'error' && /hipErrorLaunchFailure/.test(c.detail ?? '')),
  ).toBe(true);
  expect(by('vendor').every((c) => c.status === 'skipped' && /hang/.test(c.detail ?? ''))).toBe(true);
  expect(probes).toBe(6);
  expect(report.ok).toBe(false);
  expect(progress[progress.length - 1]).toBe(1);
});
