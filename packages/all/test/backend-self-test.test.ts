// The doctor's self-test of the 'rocm' backend, on the host device (ROCM_PATCH_TFJS_DEVICE=host): the
// checks pass, a kernel that computes something else or throws is caught, strict mode does not turn
// host-path calls into failures, and the formatter says which kernels took the host path.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { formatBackendSelfTest } from '../src/cli-main.js';
import {
  type BackendSelfTestReport,
  isStrict,
  loadRocmBackend,
  runBackendSelfTest,
  setStrict,
} from '../src/index.js';

process.env.ROCM_PATCH_TFJS_DEVICE = 'host';

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});

/** Replaces a kernel of the 'rocm' backend for one test. */
const restore: (() => void)[] = [];
function replaceKernel(name: string, kernelFunc: tf.KernelFunc): void {
  const original = tf.getKernel(name, 'rocm')!;
  tf.unregisterKernel(name, 'rocm');
  tf.registerKernel({ ...original, kernelFunc });
  restore.push(() => {
    tf.unregisterKernel(name, 'rocm');
    tf.registerKernel(original);
  });
}
afterEach(() => {
  for (const r of restore.splice(0)) r();
});

it('checks every op on the host device against tfjs-backend-cpu, and puts the active backend back', async () => {
  const progress: number[] = [];
  const result = (await runBackendSelfTest({
    tf,
    onCheck: (_c, i, total) => progress.push(i / total),
  })) as BackendSelfTestReport;
  expect(result.device).toMatch(/^host \(/);
  expect(result.checks.map((c) => c.case)).toEqual([
    expect.stringMatching(/^add, broadcast/),
    expect.stringMatching(/^matMul/),
    expect.stringMatching(/^conv2d/),
    expect.stringMatching(/^sum/),
    expect.stringMatching(/^softmax/),
    expect.stringMatching(/^maxPool/),
  ]);
  for (const c of result.checks) {
    expect(c.status, `${c.case}: ${c.detail}`).toBe('ok');
    expect(c.relError).toBeLessThanOrEqual(1e-4);
    expect(c.ms).toBeGreaterThanOrEqual(0);
    expect(c.kernels.length).toBeGreaterThan(0);
  }
  expect(result.checks[0]!.kernels).toEqual(['Add']);
  expect(result.checks[0]!.hostPath).toEqual({});
  expect(result.checks[2]!.kernels).toContain('Conv2D');
  expect(result.ok).toBe(true);
  const hostCalls = result.checks.reduce((n, c) => n + Object.keys(c.hostPath).length, 0);
  expect(result.hostPathCalls > 0).toBe(hostCalls > 0);
  expect(progress).toEqual([1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1]);
  expect(tf.getBackend()).toBe('cpu');
});

it('flags a kernel whose results differ from tfjs-backend-cpu, and one that throws', async () => {
  const sub = tf.getKernel('Sub', 'rocm')!.kernelFunc;
  replaceKernel('Add', (args) => sub(args)); // what a broken device kernel looks like
  replaceKernel('Conv2D', () => {
    throw new Error('hipErrorLaunchFailure');
  });
  const result = (await runBackendSelfTest({ tf })) as BackendSelfTestReport;
  const [add, , conv] = result.checks;
  expect(add!.status).toBe('mismatch');
  expect(add!.relError).toBeGreaterThan(0.1);
  expect(conv!.status).toBe('error');
  expect(conv!.detail).toMatch(/hipErrorLaunchFailure/);
  expect(result.checks.filter((c) => c.status === 'ok')).toHaveLength(4);
  expect(result.ok).toBe(false);
  expect(formatBackendSelfTest(result)).toMatch(/Backend self-test: FAILED/);
  expect(tf.getBackend()).toBe('cpu');
});

it('runs host-path kernels even in strict mode, and restores strict mode', async () => {
  setStrict(true);
  try {
    const result = (await runBackendSelfTest({ tf })) as BackendSelfTestReport;
    expect(result.checks.every((c) => c.status === 'ok')).toBe(true);
    expect(isStrict()).toBe(true);
    expect((await loadRocmBackend()).isStrict()).toBe(true);
  } finally {
    setStrict(false);
  }
});

it('formats a report: the device, each row, and which kernels took the host path', () => {
  const report: BackendSelfTestReport = {
    device: 'AMD Radeon RX 5700 XT (gfx1010, hip)',
    checks: [
      { case: 'add', status: 'ok', relError: 0, ms: 0.1, kernels: ['Add'], hostPath: {} },
      {
        case: 'softmax',
        status: 'ok',
        relError: 1e-7,
        ms: 0.2,
        kernels: ['Exp', 'Softmax'],
        hostPath: { Softmax: 'no device kernel' },
      },
    ],
    ok: true,
    hostPathCalls: 3,
  };
  const text = formatBackendSelfTest(report);
  expect(text).toMatch(
    /^Backend self-test \('rocm' TF\.js backend on AMD Radeon RX 5700 XT \(gfx1010, hip\)/,
  );
  expect(text).toMatch(/add\s+ok\s+0\.0e\+0\s+0\.10\s+device: Add\n/);
  expect(text).toMatch(/softmax\s+ok\s+1\.0e-7\s+0\.20\s+device: Exp; host path: Softmax\n/);
  expect(text).toMatch(/Backend self-test: passed; 1 of 2 checks took the host path \(Softmax; 3 calls\)/);
  const clean = formatBackendSelfTest({ ...report, checks: [report.checks[0]!], hostPathCalls: 0 });
  expect(clean).toMatch(/Backend self-test: passed; every kernel ran on the device/);
  expect(formatBackendSelfTest({ skipped: 'no GPU', fix: 'do this\nor that' })).toBe(
    "Backend self-test ('rocm' TF.js backend): skipped (no GPU)\n  do this\n  or that\n",
  );
});
