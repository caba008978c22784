import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  appliedEnvironment,
  loadedGpuRuntimes,
  markGpuRuntimeLoaded,
  setupEnvironment,
} from '../src/setup.js';
import { amdGpu, cpuNode, GIB, homeEnv, makeTree, rocm } from './helpers/tree.js';

const GFX1010_ON_52 = {
  ...cpuNode(0),
  ...amdGpu({ node: 1, renderMinor: 128, gfx: 100100, deviceId: 0x731f, vram: 8 * GIB }),
  ...rocm('5.2.0-65', ['gfx900', 'gfx906', 'gfx1030']),
};

describe('setupEnvironment', () => {
  it('applies the plan to the environment, and a second call changes nothing', () => {
    const root = makeTree(GFX1010_ON_52);
    const env = homeEnv();
    const warnings: string[] = [];
    const first = setupEnvironment({ root, env, commands: false, onWarning: (m) => warnings.push(m) });
    expect(first.applied.sort()).toEqual(['HSA_OVERRIDE_GFX_VERSION', 'PYTORCH_HIP_ALLOC_CONF']);
    expect(env.HSA_OVERRIDE_GFX_VERSION).toBe('10.3.0');
    expect(appliedEnvironment()).toBe(first);
    const snapshot = { ...env };
    const second = setupEnvironment({ root, env, commands: false, onWarning: (m) => warnings.push(m) });
    expect(second.applied).toEqual([]);
    expect(second.entries.map((e) => e.action)).toEqual(first.entries.map(() => 'keep'));
    expect(env).toEqual(snapshot);
    expect(warnings).toEqual([]);
    expect(second.loadedRuntimes).toEqual([]);
  });

  it('never replaces a user value without force', () => {
    const root = makeTree(GFX1010_ON_52);
    const env = homeEnv({ HSA_OVERRIDE_GFX_VERSION: '10.1.0' });
    const result = setupEnvironment({ root, env, commands: false });
    expect(env.HSA_OVERRIDE_GFX_VERSION).toBe('10.1.0');
    expect(result.findings.map((f) => f.id)).toContain('env-conflict');
    setupEnvironment({ root, env, commands: false, force: true });
    expect(env.HSA_OVERRIDE_GFX_VERSION).toBe('10.3.0');
  });

  it('creates the MIOpen directories it plans', () => {
    const root = makeTree(GFX1010_ON_52);
    const env: NodeJS.ProcessEnv = { PATH: '/bin' };
    setupEnvironment({ root, env, commands: false });
    expect(env.MIOPEN_USER_DB_PATH).toBeDefined();
    expect(existsSync(env.MIOPEN_USER_DB_PATH!)).toBe(true);
    expect(existsSync(env.MIOPEN_CUSTOM_CACHE_DIR!)).toBe(true);
  });

  it('warns (does not throw) when a GPU runtime is already mapped into the process', () => {
    const root = makeTree({
      ...GFX1010_ON_52,
      '/proc/self/maps': '7f00-7f01 r-xp 00000000 08:01 1 /opt/rocm/lib/libamdhip64.so.5.2.50200\n',
    });
    const warnings: string[] = [];
    const result = setupEnvironment({
      root,
      env: homeEnv(),
      commands: false,
      onWarning: (m) => warnings.push(m),
    });
    expect(result.loadedRuntimes).toEqual(['libamdhip64 (HIP)']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/already loaded.*libamdhip64.*HSA_OVERRIDE_GFX_VERSION.*may not take effect/);
    expect(result.findings.map((f) => f.id)).toContain('runtime-already-loaded');
  });

  it('knows runtimes other packages mark as loaded', () => {
    const root = makeTree({ '/x': '' });
    expect(loadedGpuRuntimes(root)).toEqual([]);
    markGpuRuntimeLoaded('tfjs-node-gpu');
    expect(loadedGpuRuntimes(root)).toEqual(['tfjs-node-gpu']);
    const warnings: string[] = [];
    setupEnvironment({ root, env: {}, commands: false, onWarning: (m) => warnings.push(m) });
    expect(warnings[0]).toMatch(/tfjs-node-gpu/);
    expect(() => markGpuRuntimeLoaded('')).toThrow(TypeError);
  });
});

describe('process-wide state', () => {
  it('is shared by the ESM and CJS builds loaded into one process', async () => {
    const { createRequire } = await import('node:module');
    const { join } = await import('node:path');
    const dist = join(import.meta.dirname, '..', 'dist');
    const cjs = createRequire(import.meta.url)(join(dist, 'index.cjs')) as typeof import('../src/index.js');
    const esm = (await import(join(dist, 'index.mjs'))) as typeof import('../src/index.js');
    cjs.markGpuRuntimeLoaded('marked-through-cjs');
    expect(esm.loadedGpuRuntimes(makeTree({ '/x': '' }))).toContain('marked-through-cjs');
    expect(loadedGpuRuntimes(makeTree({ '/x': '' }))).toContain('marked-through-cjs');
  });
});
