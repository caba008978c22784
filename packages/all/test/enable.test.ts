// enableAllPatches keeps process-wide state (that is the point of it), so the scenarios run in order here.
// Without ROCM_PATCH_TFJS_DEVICE: the 'rocm' backend starts only on a usable GPU; elsewhere (this
// repository's development machine, CI) TF.js stays on its cpu backend with the conv patch.
import { deviceAddon } from '@rocm-patch/conv-bypass/device';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  enableAllPatches,
  formatPatchReport,
  getBackendReport,
  getBypassStats,
  loaderDefaults,
  printBackendReport,
  resetBypassStats,
} from '../src/index.js';
import { gfx1010Tree, homeEnv } from './tree.js';

delete process.env.ROCM_PATCH_TFJS_DEVICE;
const gpuUsable = deviceAddon().available().gpu;

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});

describe('enableAllPatches', () => {
  const env = homeEnv();
  const warnings: string[] = [];

  it('rejects bad options, naming them', async () => {
    await expect(enableAllPatches(null as never)).rejects.toThrow(TypeError);
    await expect(enableAllPatches({ multiprocessing: 3 as never })).rejects.toThrow(
      /options\.multiprocessing/,
    );
    await expect(enableAllPatches({ onWarning: 'x' as never })).rejects.toThrow(/options\.onWarning/);
    await expect(enableAllPatches({ backend: 'gpu' as never })).rejects.toThrow(
      /options\.backend must be 'auto', 'rocm' or 'cpu', got "gpu"/,
    );
    await expect(enableAllPatches({ backend: 1 as never })).rejects.toThrow(RangeError);
    await expect(enableAllPatches({ backnd: 'cpu' } as never)).rejects.toThrow(
      /^enableAllPatches: options\.backnd is not an option — did you mean options\.backend\? \(options takes environment, .*backend/,
    );
    await expect(enableAllPatches({ convBypass: { strategie: 'auto' } as never })).rejects.toThrow(
      /^enableAllPatches: options\.convBypass\.strategie is not an option — did you mean options\.convBypass\.strategy\?/,
    );
  });

  it('runs the steps in order on a gfx1010 machine and reports each', async () => {
    const report = await enableAllPatches({
      environment: { root: gfx1010Tree(), env },
      tf,
      onWarning: (m) => warnings.push(m),
    });
    expect(report.steps.environment.status).toBe('done');
    // ROCm 5.2 has no gfx1010 kernels: the plan sets the override (in the env object given).
    expect(env.HSA_OVERRIDE_GFX_VERSION).toBe('10.3.0');
    expect(report.steps.environment.detail).toMatch(/HSA_OVERRIDE_GFX_VERSION/);
    expect(report.gpus.map((g) => g.arch)).toEqual(['gfx1010']);
    expect(report.steps.multiprocessing).toEqual({
      status: 'done',
      detail: expect.stringMatching(/GPUs hidden/),
    });
    // A GPU machine: data workers are processes, so they never touch the GPU.
    expect(report.steps.dataLoader.status).toBe('done');
    expect(loaderDefaults()).toMatchObject({ runtime: 'process', persistentWorkers: true });
    expect(report.steps.convBypass.status).toBe('done');
    expect(report.bypass?.kernelNames).toContain('Conv2D');
    expect(report.strategy).toBe('auto');
    expect(report.convDevice).toMatch(/^cpu/); // this test machine's process has no GPU backend
    expect(formatPatchReport(report)).toMatch(/environment\s+done[\s\S]*gfx1010/);
    expect(warnings.filter((w) => /backend/.test(w))).toEqual([]);
  });

  it.skipIf(gpuUsable)('keeps TF.js on its cpu backend where the rocm backend cannot start', async () => {
    const report = await enableAllPatches({ tf });
    expect(report.steps.backend).toEqual({
      status: 'skipped',
      detail: expect.stringMatching(/^the 'rocm' backend cannot start here: /),
    });
    expect(report.backend).toBe('cpu');
    expect(report.backendDevice).toMatch(/^the CPU \(tfjs-backend-cpu/);
    expect(tf.getBackend()).toBe('cpu');
    expect(report.bypass?.backendName).toBe('cpu');
    const text = formatPatchReport(report);
    expect(text).toMatch(/backend\s+skipped\s+the 'rocm' backend cannot start here/);
    expect(text).toMatch(/TF\.js backend\s+cpu, on the CPU/);
    // The backend package was loaded to ask, but the backend never started: no report.
    expect(getBackendReport()).toBeNull();
    const lines: string[] = [];
    expect(printBackendReport((t) => lines.push(t))).toBeNull();
    expect(lines).toEqual([expect.stringMatching(/^rocm backend: not in use/)]);
    // Asked for by name, it is an error that says why and what to do.
    await expect(enableAllPatches({ tf, backend: 'rocm' })).rejects.toThrow(
      /The 'rocm' TF\.js backend cannot start: [\s\S]*ROCM_PATCH_TFJS_DEVICE=host/,
    );
    expect(tf.getBackend()).toBe('cpu');
  });

  it('routes TF.js convolutions through the bypass afterwards', () => {
    resetBypassStats();
    const x = tf.randomNormal([1, 8, 8, 2]);
    const w = tf.randomNormal([3, 3, 2, 4]);
    tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').dataSync();
    const stats = getBypassStats();
    expect(stats.totalCalls).toBe(1);
    expect(stats.bypassedCalls).toBe(1);
  });

  it('is harmless when called twice: nothing runs again, nothing new is warned', async () => {
    const before = { ...env };
    const count = warnings.length;
    const again = await enableAllPatches({ environment: { env }, tf, onWarning: (m) => warnings.push(m) });
    expect(again.steps.environment.status).toBe('already-done');
    expect(again.steps.multiprocessing.status).toBe('already-done');
    expect(again.steps.dataLoader.status).toBe('already-done');
    expect(again.steps.convBypass.status).toBe('already-done');
    expect(again.steps.backend.status).toBe(gpuUsable ? 'already-done' : 'skipped');
    expect(again.bypass).toBe((await enableAllPatches({ tf })).bypass);
    expect(env).toEqual(before);
    expect(warnings.length).toBe(count);
    expect(again.gpus.map((g) => g.arch)).toEqual(['gfx1010']);
  });

  it('switches steps off, and new step options are applied', async () => {
    const report = await enableAllPatches({
      environment: false,
      multiprocessing: false,
      dataLoader: { prefetchFactor: 4 },
      convBypass: false,
    });
    expect(report.steps.environment.status).toBe('off');
    expect(report.steps.multiprocessing.status).toBe('off');
    expect(report.steps.convBypass.status).toBe('off');
    expect(report.steps.dataLoader.status).toBe('done');
    expect(loaderDefaults().prefetchFactor).toBe(4);
    // Only what the later call names changes: the first call's defaults stay.
    expect(loaderDefaults()).toMatchObject({ runtime: 'process', persistentWorkers: true });
  });

  it('throws for a tf that is not TF.js when the caller passed it', async () => {
    await expect(enableAllPatches({ tf: { not: 'tf' } })).rejects.toThrow(/options\.tf/);
  });
});
