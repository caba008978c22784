// The AMD code objects the addon builds by default (native/cmake/gpu.cmake) and the environment
// @rocm-patch/env plans agree: a card the default build serves — its own arch is a default target, or
// the arch its HSA_OVERRIDE_GFX_VERSION selects is — loads, under the plan, a code object the build
// contains. (The ROCm runtime loads the code object of the arch it reports: the override's, when the
// plan sets one.) Also: CI's resource check covers only default targets.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ARCH_KNOWLEDGE,
  archOfGfxVersion,
  type DetectionReport,
  envWithPlan,
  type GpuInfo,
  planEnvironment,
  runtimeArch,
} from '@rocm-patch/env';
import { describe, expect, it } from 'vitest';

const pkg = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

function defaultHipTargets(): string[] {
  const cmake = readFileSync(join(pkg, 'native', 'cmake', 'gpu.cmake'), 'utf8');
  const m = /set\(_rp_default_hip_targets "([^"]+)"\)/.exec(cmake);
  if (!m) throw new Error('gpu.cmake: no set(_rp_default_hip_targets "...")');
  return m[1]!.split(';');
}

function card(arch: string): GpuInfo {
  return {
    index: 0,
    vendor: 'amd',
    name: `AMD GPU (${arch})`,
    arch,
    family: null,
    integrated: false,
    vramBytes: 8 * 1024 ** 3,
    gttBytes: null,
    computeUnits: null,
    waveSize: null,
    ldsBytes: null,
    pciDeviceId: null,
    kfdNode: 1,
    renderMinor: 128,
    uniqueId: null,
    busId: null,
  };
}

/**
 * The arch whose code object the runtime loads for a card once the env package's plan is applied,
 * with the installed ROCm's kernel list unreadable (the plan then follows the knowledge table).
 */
function loadedUnderPlan(arch: string): string | null {
  const gpu = card(arch);
  const report: DetectionReport = {
    root: '/',
    gpus: [gpu],
    amdgpu: { loaded: true, version: null },
    kfd: { present: true, readable: true, writable: true },
    rocm: null,
    nvidia: null,
    env: {},
    findings: [],
    tools: {},
  };
  const plan = planEnvironment(report, { env: {} });
  return runtimeArch(gpu, envWithPlan(plan, {}));
}

describe('default AMD targets and the env plan', () => {
  const targets = defaultHipTargets();
  const served = ARCH_KNOWLEDGE.filter(
    (row) =>
      targets.includes(row.arch) ||
      (row.override !== null && targets.includes(archOfGfxVersion(row.override) ?? '')),
  );

  it('serve the RDNA cards and the gfx90c APU', () => {
    expect(served.map((r) => r.arch)).toEqual(
      expect.arrayContaining([
        'gfx90c',
        'gfx1010',
        'gfx1012',
        'gfx1030',
        'gfx1031',
        'gfx1035',
        'gfx1100',
        'gfx1103',
      ]),
    );
  });

  it.each(served.map((r) => r.arch))('%s loads a code object the build contains', (arch) => {
    const loaded = loadedUnderPlan(arch);
    expect(loaded, `${arch} under the plan loads ${String(loaded)}`).not.toBeNull();
    expect(targets).toContain(loaded);
  });

  it('a gfx90c loads gfx900 code under the planned HSA_OVERRIDE_GFX_VERSION=9.0.0', () => {
    expect(loadedUnderPlan('gfx90c')).toBe('gfx900');
  });

  it("CI's resource check covers default targets only", async () => {
    const script = pathToFileURL(join(pkg, '..', '..', 'scripts', 'amd-resources.mjs')).href;
    const { TARGETS } = (await import(script)) as { TARGETS: Record<string, unknown> };
    expect(Object.keys(TARGETS).length).toBeGreaterThan(0);
    for (const t of Object.keys(TARGETS)) expect(targets).toContain(t);
  });
});
