// enableAllPatches() where the 'rocm' backend can start: here the host device, asked for with
// ROCM_PATCH_TFJS_DEVICE=host (the same kernels in C++ on the CPU; on a GPU machine the same code path
// opens the GPU). (Its own file: enableAllPatches and the active TF.js backend are process-wide.)
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import {
  enableAllPatches,
  formatBackendReport,
  formatPatchReport,
  getBackendReport,
  getBypassStats,
  isStrict,
  printBackendReport,
  resetBypassStats,
  setStrict,
} from '../src/index.js';
import { gfx1010Tree, homeEnv } from './tree.js';

process.env.ROCM_PATCH_TFJS_DEVICE = 'host';
delete process.env.ROCM_PATCH_TFJS_STRICT;

let cpuConv2D: unknown;
beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  cpuConv2D = tf.getKernel('Conv2D', 'cpu')?.kernelFunc;
});

it('selects the rocm backend, and leaves the cpu backend unpatched', async () => {
  setStrict(true); // before the backend package is loaded: applied when it is
  const warnings: string[] = [];
  const report = await enableAllPatches({
    environment: { root: gfx1010Tree(), env: homeEnv() },
    tf,
    onWarning: (m) => warnings.push(m),
  });
  expect(warnings.filter((w) => /backend/.test(w))).toEqual([]); // the gfx1010 tree has its own warnings
  expect(report.steps.backend).toEqual({
    status: 'done',
    detail: expect.stringMatching(/^TF\.js runs on the 'rocm' backend: host .*ROCM_PATCH_TFJS_DEVICE=host/),
  });
  expect(report.backend).toBe('rocm');
  expect(report.backendDevice).toMatch(/^host \(/);
  expect(tf.getBackend()).toBe('rocm');
  expect(report.steps.convBypass.status).toBe('skipped');
  expect(report.steps.convBypass.detail).toMatch(/conv router/);
  expect(report.bypass).toBeNull();
  expect(tf.getKernel('Conv2D', 'cpu')?.kernelFunc).toBe(cpuConv2D);
  const text = formatPatchReport(report);
  expect(text).toMatch(/backend\s+done\s+TF\.js runs on the 'rocm' backend/);
  expect(text).toMatch(/convBypass\s+skipped/);
  expect(text).toMatch(/TF\.js backend\s+rocm, on host \(/);
  expect(isStrict()).toBe(true);
  setStrict(false);
  expect(isStrict()).toBe(false);
});

it('runs convolutions on the rocm backend through the conv router, and reports kernel calls', () => {
  resetBypassStats();
  const before = getBackendReport()!;
  const y = tf.conv2d(tf.ones([1, 6, 6, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 4]) as tf.Tensor4D, 1, 'same');
  const v = y.arraySync() as number[][][][];
  // A corner sees 2×2 pixels of 2 channels, an edge 2×3, the inside 3×3.
  expect([v[0]![0]![0]![0], v[0]![0]![1]![0], v[0]![1]![1]![3]]).toEqual([8, 12, 18]);
  const report = getBackendReport()!;
  expect(report.device).toMatch(/^host/);
  expect(report.native.Conv2D).toBe((before.native.Conv2D ?? 0) + 1);
  expect(getBypassStats().totalCalls).toBe(1); // the router counted it: the same statistics as the patch
  const lines: string[] = [];
  expect(printBackendReport((t) => lines.push(t))).toEqual(report);
  expect(lines).toEqual([formatBackendReport(report)]);
  expect(lines[0]).toMatch(/^rocm backend on host .*: \d+ native kernel calls, \d+ on the host path/);
  expect(lines[0]).toMatch(/Conv2D\s+\d+\s+native/);
});

it('strict mode through @rocm-patch/all: a host-path call throws instead', () => {
  setStrict(true);
  try {
    // complex64 data stays on the host: Real of it always takes the host path.
    expect(() => tf.real(tf.complex([1], [2])).dataSync()).toThrow(/strict mode/);
  } finally {
    setStrict(false);
  }
  expect(tf.real(tf.complex([1], [2])).dataSync()[0]).toBe(1);
  const report = getBackendReport()!;
  expect(report.totalHostPath).toBeGreaterThan(0);
});

it('a second call finds it selected; backend cpu moves TF.js back and patches the cpu backend', async () => {
  const again = await enableAllPatches({ tf, onWarning: () => {} });
  expect(again.steps.backend.status).toBe('already-done');
  expect(again.backend).toBe('rocm');

  const cpu = await enableAllPatches({ tf, backend: 'cpu', onWarning: () => {} });
  expect(cpu.steps.backend.status).toBe('off');
  expect(cpu.backend).toBe('cpu');
  expect(tf.getBackend()).toBe('cpu');
  expect(cpu.steps.convBypass.status).toBe('done');
  expect(cpu.bypass?.backendName).toBe('cpu');
  expect(tf.getKernel('Conv2D', 'cpu')?.kernelFunc).not.toBe(cpuConv2D);

  const back = await enableAllPatches({ tf, backend: 'rocm', onWarning: () => {} });
  expect(back.steps.backend.status).toBe('done');
  expect(tf.getBackend()).toBe('rocm');
});

it('a tf whose setBackend fails: the reason TF.js logged, the cpu path under auto, an error under rocm', async () => {
  const calls: string[] = [];
  let active = 'cpu';
  const flags: Record<string, boolean> = { PROD: true };
  const fakeTf = {
    getBackend: () => active,
    ready: async () => {},
    env: () => ({
      getBool: (f: string) => flags[f] ?? false,
      set: (f: string, v: boolean) => {
        flags[f] = v;
      },
    }),
    // What TF.js's engine does when a backend factory throws: it logs (outside production mode), returns false.
    setBackend: async (name: string) => {
      calls.push(name);
      if (name !== 'rocm') {
        active = name;
        return true;
      }
      if (!flags.PROD) {
        console.warn(`Initialization of backend ${name} failed`);
        console.warn(new Error('hipErrorNoBinaryForGpu: no kernel image for gfx1010').stack);
      }
      return false;
    },
  };
  const warnings: string[] = [];
  const report = await enableAllPatches({
    tf: fakeTf,
    convBypass: false,
    onWarning: (m) => warnings.push(m),
  });
  expect(report.steps.backend.status).toBe('failed');
  expect(report.backend).toBe('cpu');
  expect(calls).toEqual(['rocm', 'cpu']);
  expect(warnings).toEqual([
    "tf.setBackend('rocm') failed on the host: Error: hipErrorNoBinaryForGpu: no kernel image for gfx1010; the conv patch on the cpu backend instead",
  ]);
  expect(flags.PROD).toBe(true); // production mode is back
  await expect(
    enableAllPatches({ tf: fakeTf, convBypass: false, backend: 'rocm', onWarning: () => {} }),
  ).rejects.toThrow(/tf\.setBackend\('rocm'\) failed on the host: Error: hipErrorNoBinaryForGpu/);
});

it('an invalid ROCM_PATCH_TFJS_DEVICE: a warning and the cpu path under auto, an error under rocm', async () => {
  process.env.ROCM_PATCH_TFJS_DEVICE = 'bogus';
  try {
    const warnings: string[] = [];
    const report = await enableAllPatches({ tf, onWarning: (m) => warnings.push(m) });
    expect(report.steps.backend.status).toBe('failed');
    expect(report.backend).toBe('cpu');
    expect(warnings).toEqual([
      expect.stringMatching(/ROCM_PATCH_TFJS_DEVICE must be 'auto', 'gpu' or 'host'/),
    ]);
    await expect(enableAllPatches({ tf, backend: 'rocm', onWarning: () => {} })).rejects.toThrow(
      /ROCM_PATCH_TFJS_DEVICE must be/,
    );
  } finally {
    process.env.ROCM_PATCH_TFJS_DEVICE = 'host';
  }
});
