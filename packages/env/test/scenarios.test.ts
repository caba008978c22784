import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../src/commands.js';
import { detect } from '../src/detect.js';
import { planEnvironment } from '../src/plan.js';
import type { DetectionReport, EnvPlan } from '../src/types.js';
import { amdGpu, cpuNode, fixture, GIB, homeEnv, makeTree, rocm } from './helpers/tree.js';

const ROCM52_ARCHS = ['gfx803', 'gfx900', 'gfx906', 'gfx908', 'gfx90a', 'gfx1030'];
const GFX1010 = { gfx: 100100, deviceId: 0x731f, simdCount: 72 };

const allPlans: EnvPlan[] = [];

function analyse(
  tree: Record<string, string>,
  env = homeEnv(),
  planOptions = {},
): { report: DetectionReport; plan: EnvPlan } {
  const root = makeTree(tree);
  const report = detect({ root, env, commands: false });
  const plan = planEnvironment(report, { env, ...planOptions });
  allPlans.push(plan);
  return { report, plan };
}

const entry = (plan: EnvPlan, name: string) => plan.entries.find((e) => e.name === name);
const ids = (findings: { id: string }[]) => findings.map((f) => f.id);

describe('one gfx1010 on ROCm 5.2 without gfx1010 kernels', () => {
  const { report, plan } = analyse({
    ...cpuNode(0),
    ...amdGpu({ node: 1, renderMinor: 128, ...GFX1010, vram: 8 * GIB }),
    ...rocm('5.2.0-65', ROCM52_ARCHS),
  });

  it('detects the card from KFD and DRM sysfs', () => {
    expect(report.gpus).toEqual([
      expect.objectContaining({
        index: 0,
        vendor: 'amd',
        arch: 'gfx1010',
        family: 'RDNA1',
        integrated: false,
        vramBytes: 8 * GIB,
        gttBytes: 16 * GIB,
        computeUnits: 36,
        waveSize: 32,
        pciDeviceId: '0x731f',
        kfdNode: 1,
        renderMinor: 128,
        ldsBytes: 64 * 1024,
      }),
    ]);
    expect(report.rocm).toEqual({
      path: '/opt/rocm',
      version: '5.2.0',
      supportedArchs: [...ROCM52_ARCHS].sort(),
      foundBy: '/opt/rocm',
    });
    expect(report.kfd).toEqual({ present: true, readable: true, writable: true });
    expect(report.amdgpu.loaded).toBe(true);
  });

  it('plans the 10.3.0 override, citing its source', () => {
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')).toMatchObject({
      value: '10.3.0',
      action: 'set',
      current: null,
    });
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')!.reason).toMatch(
      /ROCm 5\.2\.0 at \/opt\/rocm ships no rocBLAS kernels for gfx1010/,
    );
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')!.source).toMatch(/github\.com\/ROCm\/ROCm\/issues\/2527/);
    expect(ids(plan.findings)).toEqual(expect.arrayContaining(['no-native-kernels', 'miopen-conv-hang']));
    expect(plan.findings.find((f) => f.id === 'miopen-conv-hang')!.fix).toMatch(/@rocm-patch\/conv-bypass/);
  });

  it('plans an allocator configuration for the 8 GiB card, and leaves writable MIOpen defaults alone', () => {
    expect(entry(plan, 'PYTORCH_HIP_ALLOC_CONF')).toMatchObject({ action: 'set' });
    expect(entry(plan, 'MIOPEN_USER_DB_PATH')).toBeUndefined();
    expect(plan.entries.every((e) => e.source.length > 0 && e.reason.length > 0)).toBe(true);
  });
});

describe('two identical gfx1010 cards', () => {
  const { report, plan } = analyse({
    ...cpuNode(0),
    ...amdGpu({ node: 1, renderMinor: 128, ...GFX1010, uniqueId: '111' }),
    ...amdGpu({ node: 2, renderMinor: 129, ...GFX1010, uniqueId: '222' }),
    ...rocm('5.2.0-65', ROCM52_ARCHS),
  });

  it('are two GPUs', () => {
    expect(report.gpus.map((g) => [g.index, g.arch, g.kfdNode, g.uniqueId])).toEqual([
      [0, 'gfx1010', 1, '111'],
      [1, 'gfx1010', 2, '222'],
    ]);
  });

  it('get one finding per known problem, naming both', () => {
    const hangs = plan.findings.filter((f) => f.id === 'miopen-conv-hang');
    expect(hangs).toHaveLength(1);
    expect(hangs[0]!.message).toMatch(/^AMD GPU 0 .*, AMD GPU 1 .*: MIOpen convolutions hang/);
  });

  it('share one global override and nothing pins them', () => {
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')?.value).toBe('10.3.0');
    expect(plan.entries.some((e) => /^HSA_OVERRIDE_GFX_VERSION_\d/.test(e.name))).toBe(false);
    expect(entry(plan, 'ROCR_VISIBLE_DEVICES')).toBeUndefined();
  });
});

describe('an APU iGPU (gfx90c) plus a gfx1031 dGPU', () => {
  const tree = {
    ...cpuNode(0),
    ...amdGpu({
      node: 1,
      renderMinor: 128,
      gfx: 90012,
      deviceId: 0x1638,
      simdCount: 8,
      wave: 64,
      simdPerCu: 4,
      vram: 512 * 1024 ** 2,
      gtt: 16 * GIB,
    }),
    ...amdGpu({
      node: 2,
      renderMinor: 129,
      gfx: 100301,
      deviceId: 0x73df,
      simdCount: 80,
      vram: 12 * GIB,
      gtt: 16 * GIB,
    }),
    ...rocm('5.7.1-98', ['gfx900', 'gfx906', 'gfx908', 'gfx90a', 'gfx1030', 'gfx1100']),
  };

  it('tells the integrated GPU from the discrete one', () => {
    const { report } = analyse(tree);
    expect(report.gpus.map((g) => [g.index, g.arch, g.integrated, g.family])).toEqual([
      [0, 'gfx90c', true, 'GCN5'],
      [1, 'gfx1031', false, 'RDNA2'],
    ]);
  });

  it('pins the visible devices to the dGPU, with its override and the Winograd switch', () => {
    const { plan } = analyse(tree);
    expect(entry(plan, 'ROCR_VISIBLE_DEVICES')).toMatchObject({ value: '1', action: 'set' });
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')).toMatchObject({ value: '10.3.0', action: 'set' });
    expect(entry(plan, 'MIOPEN_DEBUG_CONV_WINOGRAD')).toMatchObject({ value: '0', action: 'set' });
    expect(entry(plan, 'MIOPEN_DEBUG_CONV_WINOGRAD')!.source).toMatch(/MIOpen\/issues\/3540/);
    expect(entry(plan, 'PYTORCH_HIP_ALLOC_CONF')).toBeUndefined(); // the visible dGPU has 12 GiB
    expect(ids(plan.findings)).toContain('integrated-gpu-hidden');
  });

  it('uses per-device overrides when both stay visible', () => {
    const { plan } = analyse(tree, homeEnv(), { pinToDiscrete: false });
    expect(entry(plan, 'ROCR_VISIBLE_DEVICES')).toBeUndefined();
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')).toBeUndefined();
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION_1')).toMatchObject({ value: '9.0.0', action: 'set' });
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION_2')).toMatchObject({ value: '10.3.0', action: 'set' });
  });

  it('understands a visibility given as ROCr UUIDs (GPU-<unique_id in hex>)', () => {
    const { plan } = analyse(tree, homeEnv({ ROCR_VISIBLE_DEVICES: `GPU-${(1002).toString(16)}` }));
    expect(entry(plan, 'ROCR_VISIBLE_DEVICES')).toBeUndefined();
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')).toMatchObject({ value: '10.3.0' });
    expect(entry(plan, 'MIOPEN_DEBUG_CONV_WINOGRAD')).toMatchObject({ value: '0' });
  });

  it('respects a visibility the user chose', () => {
    const { plan } = analyse(tree, homeEnv({ HIP_VISIBLE_DEVICES: '0' }));
    expect(entry(plan, 'ROCR_VISIBLE_DEVICES')).toBeUndefined();
    // Only the iGPU is visible: its override, not the dGPU's.
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')).toMatchObject({ value: '9.0.0' });
    expect(entry(plan, 'MIOPEN_DEBUG_CONV_WINOGRAD')).toBeUndefined();
  });
});

describe('gfx1100 with native support (tinygrad mock properties of an RX 7900 XTX)', () => {
  const tree = {
    ...cpuNode(0),
    '/sys/class/kfd/kfd/topology/nodes/1/properties': fixture(
      'kfd-properties-gfx1100-rx7900xtx-tinygrad-mockgpu.txt',
    ),
    '/sys/class/drm/renderD128/device/vendor': '0x1002\n',
    '/sys/class/drm/renderD128/device/device': '0x744c\n',
    '/sys/class/drm/renderD128/device/mem_info_vram_total': `${24 * GIB}\n`,
    '/sys/class/drm/renderD128/device/mem_info_gtt_total': `${32 * GIB}\n`,
    '/dev/kfd': '',
    ...rocm('6.0.2-115', ['gfx900', 'gfx906', 'gfx908', 'gfx90a', 'gfx942', 'gfx1030', 'gfx1100', 'gfx1101']),
  };

  it('is detected with the values of the real properties file', () => {
    const { report } = analyse(tree);
    expect(report.gpus[0]).toMatchObject({
      arch: 'gfx1100',
      family: 'RDNA3',
      computeUnits: 96,
      waveSize: 32,
      pciDeviceId: '0x744c',
      vramBytes: 24 * GIB,
    });
    expect(report.gpus[0]!.uniqueId).toBe('11673270660693242239');
  });

  it('plans no override and nothing else for a 24 GiB card', () => {
    const { plan } = analyse(tree);
    expect(plan.entries).toEqual([]);
    expect(ids(plan.findings)).toEqual([]);
  });

  it('says a user override is not needed', () => {
    const { plan } = analyse(tree, homeEnv({ HSA_OVERRIDE_GFX_VERSION: '11.0.0' }));
    expect(plan.entries).toEqual([]);
    expect(ids(plan.findings)).toEqual(['override-not-needed']);
  });

  it('the untouched template (placeholder render minor) still gives the GPU, with a finding', () => {
    const { report } = analyse({
      ...cpuNode(0),
      '/sys/class/kfd/kfd/topology/nodes/1/properties': fixture(
        'kfd-properties-gfx1100-rx7900xtx-tinygrad-mockgpu.TEMPLATE.txt',
      ),
    });
    expect(report.gpus[0]).toMatchObject({ arch: 'gfx1100', vramBytes: null, renderMinor: null });
    expect(report.findings.find((f) => f.id === 'malformed-file')!.message).toMatch(
      /nodes\/1\/properties: drm_render_minor is not a number/,
    );
  });
});

describe('gfx1010 on a ROCm that ships gfx1010 kernels', () => {
  const { plan } = analyse({
    ...cpuNode(0),
    ...amdGpu({ node: 1, renderMinor: 128, ...GFX1010, vram: 8 * GIB }),
    ...rocm('6.2.4-120', [...ROCM52_ARCHS, 'gfx1010', 'gfx1012']),
  });

  it('plans no override, but still names the MIOpen hang', () => {
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')).toBeUndefined();
    expect(ids(plan.findings)).toEqual(['miopen-conv-hang']);
  });
});

describe('gfx803', () => {
  it('needs ROC_ENABLE_PRE_VEGA=1 and has no modern support; no override is planned', () => {
    const { plan } = analyse({
      ...cpuNode(0),
      ...amdGpu({
        node: 1,
        renderMinor: 128,
        gfx: 80003,
        deviceId: 0x67df,
        wave: 64,
        simdPerCu: 4,
        vram: 8 * GIB,
      }),
      ...rocm('6.0.0-91', ['gfx900', 'gfx1030']),
    });
    expect(entry(plan, 'ROC_ENABLE_PRE_VEGA')).toMatchObject({ value: '1', action: 'set' });
    expect(plan.entries.some((e) => e.name.startsWith('HSA_OVERRIDE'))).toBe(false);
    expect(ids(plan.findings)).toContain('no-modern-support');
  });
});

describe('NVIDIA only', () => {
  const tree = {
    '/proc/driver/nvidia/version':
      'NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023\n',
    '/proc/driver/nvidia/gpus/0000:01:00.0/information':
      'Model: \t\t NVIDIA GeForce RTX 3060\nBus Location: \t 0000:01:00.0\nDevice Minor: \t 0\nGPU UUID: \t GPU-1234\n',
    '/sys/bus/pci/devices/0000:01:00.0/device': '0x2504\n',
  };

  it('reports the GPU and driver from /proc, and plans nothing', () => {
    const { report, plan } = analyse(tree);
    expect(report.gpus).toEqual([
      expect.objectContaining({
        index: 0,
        vendor: 'nvidia',
        name: 'NVIDIA GeForce RTX 3060',
        pciDeviceId: '0x2504',
        integrated: false,
      }),
    ]);
    expect(report.nvidia).toEqual({ driverVersion: '535.104.05' });
    expect(report.rocm).toBeNull();
    expect(ids(report.findings)).toEqual(['nvidia-only']);
    expect(plan.entries).toEqual([]);
  });

  it('uses nvidia-smi when a runner provides it (memory, compute capability)', () => {
    const calls: string[] = [];
    const runner: CommandRunner = (cmd, args) => {
      calls.push(`${cmd} ${args.join(' ')}`);
      if (cmd !== 'nvidia-smi') return null;
      return { status: 0, stdout: '0, NVIDIA GeForce RTX 3060, 12288, 00000000:01:00.0, 8.6\n', stderr: '' };
    };
    const report = detect({ root: makeTree(tree), env: homeEnv(), commands: runner });
    expect(report.gpus[0]).toMatchObject({ arch: 'sm_86', vramBytes: 12288 * 1024 ** 2 });
    expect(report.tools).toEqual({ rocminfo: 'absent', 'rocm-smi': 'absent', 'nvidia-smi': 'parsed' });
    expect(calls[0]).toBe('rocminfo ');
  });
});

describe('no GPU', () => {
  it('is a finding, not a failure', () => {
    const { report, plan } = analyse({ '/etc/hostname': 'box\n' });
    expect(report.gpus).toEqual([]);
    expect(ids(report.findings)).toEqual(['no-gpu']);
    expect(plan).toEqual({ entries: [], findings: [] });
  });
});

describe('a user override that conflicts', () => {
  const tree = {
    ...cpuNode(0),
    ...amdGpu({ node: 1, renderMinor: 128, ...GFX1010 }),
    ...rocm('5.2.0-65', ROCM52_ARCHS),
  };

  it('is kept and reported', () => {
    const { plan } = analyse(tree, homeEnv({ HSA_OVERRIDE_GFX_VERSION: '11.0.0' }));
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')).toMatchObject({
      value: '10.3.0',
      action: 'conflict',
      current: '11.0.0',
    });
    const conflict = plan.findings.find((f) => f.id === 'env-conflict')!;
    expect(conflict.message).toMatch(/HSA_OVERRIDE_GFX_VERSION is set to "11.0.0"; the plan wants "10.3.0"/);
    expect(conflict.fix).toMatch(/--force/);
  });

  it('is replaced with force', () => {
    const { plan } = analyse(tree, homeEnv({ HSA_OVERRIDE_GFX_VERSION: '11.0.0' }), { force: true });
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')).toMatchObject({
      value: '10.3.0',
      action: 'set',
      current: '11.0.0',
    });
    expect(ids(plan.findings)).not.toContain('env-conflict');
  });

  it('is kept silently when it equals the plan', () => {
    const { plan } = analyse(tree, homeEnv({ HSA_OVERRIDE_GFX_VERSION: '10.3.0' }));
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')).toMatchObject({ action: 'keep' });
    expect(ids(plan.findings)).not.toContain('env-conflict');
  });
});

describe('contradictory and meaningless variables', () => {
  const tree = {
    ...cpuNode(0),
    ...amdGpu({ node: 1, renderMinor: 128, gfx: 110000, deviceId: 0x744c, vram: 24 * GIB }),
    ...rocm('6.0.0-1', ['gfx1100']),
  };

  it('are findings', () => {
    const { plan } = analyse(
      tree,
      homeEnv({
        HIP_VISIBLE_DEVICES: '0',
        CUDA_VISIBLE_DEVICES: '1',
        MIOPEN_DEBUG_CONV_WINOGRAD: '1',
        HSA_OVERRIDE_GFX_VERSION_1: 'banana',
        ROCR_VISIBLE_DEVICES: '3',
      }),
    );
    expect(ids(plan.findings).sort()).toEqual([
      'miopen-switch-noop',
      'override-invalid',
      'visible-devices-contradiction',
      'visible-devices-out-of-range',
    ]);
    expect(plan.findings.find((f) => f.id === 'miopen-switch-noop')!.message).toMatch(/disable switches/);
  });
});

describe('visibility indices', () => {
  it('HIP_VISIBLE_DEVICES counts among the GPUs ROCR_VISIBLE_DEVICES left', () => {
    const tree = {
      ...cpuNode(0),
      ...amdGpu({ node: 1, renderMinor: 128, gfx: 110000, deviceId: 0x744c, vram: 24 * GIB }),
      ...amdGpu({ node: 2, renderMinor: 129, gfx: 110000, deviceId: 0x744c, vram: 24 * GIB }),
      ...rocm('6.0.0-1', ['gfx1100']),
    };
    expect(
      ids(analyse(tree, homeEnv({ ROCR_VISIBLE_DEVICES: '1', HIP_VISIBLE_DEVICES: '0' })).plan.findings),
    ).toEqual([]);
    const { plan } = analyse(tree, homeEnv({ ROCR_VISIBLE_DEVICES: '1', HIP_VISIBLE_DEVICES: '1' }));
    expect(plan.findings.map((f) => f.message)).toEqual([
      'HIP_VISIBLE_DEVICES=1 names device(s) 1, but 1 AMD GPU(s) are there to choose from',
    ]);
  });
});

describe('MIOpen directories', () => {
  const tree = {
    ...cpuNode(0),
    ...amdGpu({ node: 1, renderMinor: 128, gfx: 110000, deviceId: 0x744c, vram: 24 * GIB }),
    ...rocm('6.0.0-1', ['gfx1100']),
  };

  it('a directory the user chose is not fought over', () => {
    const { plan } = analyse(tree, { PATH: '/bin', MIOPEN_USER_DB_PATH: '/data/miopen-db' });
    expect(entry(plan, 'MIOPEN_USER_DB_PATH')).toBeUndefined();
    expect(entry(plan, 'MIOPEN_CUSTOM_CACHE_DIR')?.action).toBe('set');
    expect(ids(plan.findings)).toEqual([]);
  });

  it('go to a writable temporary place when HOME is unusable', () => {
    const home = makeTree({ '/file': 'x' });
    for (const env of [{ PATH: '/bin' }, { HOME: join(home, 'file'), PATH: '/bin' }]) {
      const { plan } = analyse(tree, env);
      expect(entry(plan, 'MIOPEN_USER_DB_PATH')?.value).toMatch(/rocm-patch-.*\/miopen\/userdb$/);
      expect(entry(plan, 'MIOPEN_CUSTOM_CACHE_DIR')?.value).toMatch(/rocm-patch-.*\/miopen\/cache$/);
    }
  });
});

describe('ROCm install discovery', () => {
  it('prefers $ROCM_PATH, then /opt/rocm, then the newest /opt/rocm-*', () => {
    const tree = {
      ...rocm('5.7.1-1', ['gfx1030'], '/opt/rocm-5.7.1'),
      ...rocm('6.0.2-1', ['gfx1100'], '/opt/rocm-6.0.2'),
      ...rocm('4.5.0-1', [], '/usr/rocm45'),
    };
    const root = makeTree(tree);
    expect(detect({ root, env: {}, commands: false }).rocm).toMatchObject({
      path: '/opt/rocm-6.0.2',
      version: '6.0.2',
      supportedArchs: ['gfx1100'],
    });
    expect(detect({ root, env: { ROCM_PATH: '/usr/rocm45' }, commands: false }).rocm).toMatchObject({
      path: '/usr/rocm45',
      version: '4.5.0',
      supportedArchs: [],
    });
    const missing = detect({ root, env: { ROCM_PATH: '/nope' }, commands: false });
    expect(missing.rocm?.path).toBe('/opt/rocm-6.0.2');
    expect(ids(missing.findings)).toContain('rocm-path-missing');
  });

  // Debian's ROCm 5.2 (packages hipcc, libamdhip64-5, librocblas0): everything under /usr.
  const debian = {
    '/usr/bin/hipcc': '#!/usr/bin/perl\n',
    '/usr/lib/x86_64-linux-gnu/libamdhip64.so.5.2.21153': 'ELF',
    '/usr/lib/x86_64-linux-gnu/libamdhip64.so.5': 'ELF',
    '/usr/share/hip/version': 'HIP_VERSION_MAJOR=5\nHIP_VERSION_MINOR=2\nHIP_VERSION_PATCH=21153\n',
  };

  it('finds a distribution ROCm under /usr through hipcc on PATH and its HIP runtime', () => {
    const report = detect({
      root: makeTree(debian),
      env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
      commands: false,
    });
    expect(report.rocm).toEqual({
      path: '/usr',
      version: '5.2',
      supportedArchs: null,
      foundBy: '/usr/bin/hipcc',
    });
    expect(ids(report.findings)).not.toContain('rocm-not-found');
  });

  it('finds it through libamdhip64 in the library path when hipcc is not on PATH', () => {
    const root = makeTree({
      '/usr/lib/x86_64-linux-gnu/libamdhip64.so.5.2.21153': 'ELF',
      '/usr/lib/x86_64-linux-gnu/rocblas/2.44.0/library/TensileLibrary_lazy_gfx1030.dat': 'x',
      '/usr/lib/x86_64-linux-gnu/rocblas/2.44.0/library/Kernels.so-000-gfx906.hsaco': 'x',
    });
    expect(detect({ root, env: { PATH: '/usr/bin' }, commands: false }).rocm).toEqual({
      path: '/usr',
      version: '5.2',
      supportedArchs: ['gfx1030', 'gfx906'],
      foundBy: '/usr/lib/x86_64-linux-gnu/libamdhip64.so.5.2.21153',
    });
    // $LD_LIBRARY_PATH first: a HIP runtime there names its own prefix.
    const local = makeTree({ '/home/me/hip/lib/libamdhip64.so.6.1.40091': 'ELF' });
    expect(
      detect({ root: local, env: { LD_LIBRARY_PATH: '/home/me/hip/lib' }, commands: false }).rocm,
    ).toMatchObject({
      path: '/home/me/hip',
      version: '6.1',
    });
  });

  it('does not take a hipcc without a HIP runtime beside it for ROCm, and prefers /opt/rocm', () => {
    const lone = makeTree({ '/home/me/.local/bin/hipcc': '#!/bin/sh\n' });
    const report = detect({
      root: lone,
      env: { PATH: '/home/me/.local/bin:/usr/bin' },
      commands: false,
    });
    expect(report.rocm).toBeNull();
    const both = makeTree({ ...debian, ...rocm('6.0.2-1', ['gfx1100']) });
    expect(detect({ root: both, env: { PATH: '/usr/bin' }, commands: false }).rocm).toMatchObject({
      path: '/opt/rocm',
      version: '6.0.2',
      foundBy: '/opt/rocm',
    });
  });

  it('unknown kernels fall back to the knowledge table', () => {
    const { plan } = analyse({
      ...cpuNode(0),
      ...amdGpu({ node: 1, renderMinor: 128, ...GFX1010 }),
      '/opt/rocm/.info/version': '5.2.0-65\n',
    });
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')).toMatchObject({ value: '10.3.0' });
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')!.reason).toMatch(/kernels not readable/);
  });

  it('refuses an override whose target the install lacks too', () => {
    const { plan } = analyse({
      ...cpuNode(0),
      ...amdGpu({ node: 1, renderMinor: 128, ...GFX1010 }),
      ...rocm('6.0.0-1', ['gfx1100']),
    });
    expect(entry(plan, 'HSA_OVERRIDE_GFX_VERSION')).toBeUndefined();
    expect(ids(plan.findings)).toContain('override-target-missing');
  });
});

describe('malformed files', () => {
  it('become findings naming the file; detection goes on', () => {
    const root = makeTree({
      ...cpuNode(0),
      // garbage, a truncated file, a good GPU with garbage DRM files, and an unreadable (directory) file
      '/sys/class/kfd/kfd/topology/nodes/1/properties': '\u0000\u0001\u0002 garbage\n\n',
      '/sys/class/kfd/kfd/topology/nodes/2/properties': 'cpu_cores_count 0\nsimd_count 72\ngfx_target_vers',
      ...amdGpu({ node: 3, renderMinor: 130, ...GFX1010 }),
      '/sys/class/drm/renderD130/device/mem_info_vram_total': 'lots\n',
      '/opt/rocm/.info/version': 'not a version\n',
      '/opt/rocm/lib/rocblas/library/README': 'nothing',
    });
    mkdirSync(join(root, 'sys/class/kfd/kfd/topology/nodes/4/properties'), { recursive: true });
    const report = detect({ root, env: {}, commands: false });
    expect(report.gpus).toHaveLength(1);
    expect(report.gpus[0]).toMatchObject({ arch: 'gfx1010', vramBytes: null, index: 0 });
    expect(report.rocm).toMatchObject({ version: null, supportedArchs: [] });
    const messages = report.findings.map((f) => `${f.id} ${f.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^malformed-file .*nodes\/1\/properties: no numeric gfx_target_version/),
        expect.stringMatching(/^malformed-file .*nodes\/2\/properties: no numeric gfx_target_version/),
        expect.stringMatching(/^unreadable-file .*nodes\/4\/properties: cannot be read \(EISDIR\)/),
        expect.stringMatching(/^malformed-file .*renderD130\/device\/mem_info_vram_total: not a number/),
        expect.stringMatching(
          /^malformed-file .*\/opt\/rocm\/\.info\/version: expected MAJOR\.MINOR\.PATCH-BUILD/,
        ),
        expect.stringMatching(/^rocblas-no-kernels /),
      ]),
    );
    expect(() => planEnvironment(report, { env: {} })).not.toThrow();
  });

  it('a KFD device without permissions is a finding with the group fix', () => {
    const root = makeTree({ ...cpuNode(0), ...amdGpu({ node: 1, renderMinor: 128, ...GFX1010 }) });
    const report = detect({ root, env: {}, commands: false, canAccess: () => false });
    expect(report.kfd).toEqual({ present: true, readable: false, writable: false });
    expect(report.findings.find((f) => f.id === 'kfd-permission')!.fix).toMatch(/render,video/);
  });

  it('a root that is not a directory is a RangeError naming it', () => {
    expect(() => detect({ root: '/definitely/not/here' })).toThrow(
      /root must be an existing directory.*definitely/,
    );
  });
});

describe('rocminfo when sysfs is not visible', () => {
  it('gives the GPUs, marketing names and nodes', () => {
    const runner: CommandRunner = (cmd) =>
      cmd === 'rocminfo'
        ? { status: 0, stdout: fixture('rocminfo-gfx900x7-mi25-bankh-GPU_Compute.txt'), stderr: '' }
        : null;
    const report = detect({ root: makeTree({ '/x': '' }), env: {}, commands: runner });
    expect(report.gpus).toHaveLength(7);
    expect(report.gpus.map((g) => g.kfdNode)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(report.gpus[0]).toMatchObject({
      name: 'Radeon Instinct MI25',
      arch: 'gfx900',
      family: 'GCN5',
      pciDeviceId: '0x6860',
      computeUnits: 64,
      waveSize: 64,
    });
    expect(ids(report.findings)).toContain('kfd-missing');
  });

  it('names the sysfs GPU; a failing rocm-smi is a finding', () => {
    const runner: CommandRunner = (cmd) =>
      cmd === 'rocminfo'
        ? { status: 0, stdout: fixture('rocminfo-gfx1010-rx5700-rocm-issue1713.txt'), stderr: '' }
        : cmd === 'rocm-smi'
          ? { status: 2, stdout: '', stderr: 'ERROR: GPU[0] : Unable to read\n' }
          : null;
    const root = makeTree({ ...cpuNode(0), ...amdGpu({ node: 1, renderMinor: 128, ...GFX1010 }) });
    const report = detect({ root, env: {}, commands: runner });
    expect(report.gpus[0]!.name).toBe('AMD Radeon RX 5700');
    expect(report.findings.find((f) => f.id === 'rocm-smi-failed')!.message).toMatch(
      /status 2: ERROR: GPU\[0\] : Unable to read/,
    );
  });
});

describe('the plan never enables a MIOpen disable switch', () => {
  it('holds for every plan made above and every remedy in the table', async () => {
    expect(allPlans.length).toBeGreaterThan(15);
    const switches = allPlans
      .flatMap((p) => p.entries)
      .filter((e) => e.name.startsWith('MIOPEN_DEBUG_CONV_'));
    expect(switches.length).toBeGreaterThan(0);
    expect(switches.every((e) => e.value === '0')).toBe(true);
    const { ARCH_KNOWLEDGE } = await import('../src/knowledge.js');
    const remedies = ARCH_KNOWLEDGE.flatMap((r) => r.problems).flatMap((p) =>
      p.remedy.kind === 'env' ? Object.entries(p.remedy.env) : [],
    );
    expect(remedies.filter(([k, v]) => k.startsWith('MIOPEN_DEBUG_CONV_') && v !== '0')).toEqual([]);
  });
});

describe('an arch the table does not know', () => {
  it('plans nothing for it and says so', () => {
    const { report, plan } = analyse({
      ...cpuNode(0),
      ...amdGpu({ node: 1, renderMinor: 128, gfx: 110502, deviceId: 0x1234, vram: 16 * GIB }),
    });
    expect(report.gpus[0]).toMatchObject({ arch: 'gfx1152', family: null });
    expect(plan.entries).toEqual([]);
    expect(ids(plan.findings)).toEqual(['unknown-arch']);
  });
});

describe('rocBLAS library file names', () => {
  it('give the archs whatever the naming of the release', () => {
    const lib = '/opt/rocm/lib/rocblas/library';
    const root = makeTree({
      '/opt/rocm/.info/version': '6.1.0-82\n',
      [`${lib}/TensileLibrary_Type_HH_Contraction_l_Ailk_Bljk_Cijk_Dijk_gfx1030.co`]: '',
      [`${lib}/TensileLibrary_lazy_gfx1100.dat`]: '',
      [`${lib}/TensileLibrary_gfx803.co`]: '',
      [`${lib}/Kernels.so-000-gfx90a-xnack-.hsaco`]: '',
      [`${lib}/Kernels.so-000-gfx908:xnack+.hsaco`]: '',
      [`${lib}/TensileManifest.txt`]: '',
      [`${lib}/gfx9999-notes.txt`]: '',
    });
    expect(detect({ root, env: {}, commands: false }).rocm?.supportedArchs).toEqual([
      'gfx1030',
      'gfx1100',
      'gfx803',
      'gfx908',
      'gfx90a',
    ]);
  });
});

describe('integrated GPUs without a table entry', () => {
  it('are told by a small VRAM carve-out and a large GTT', () => {
    const { report } = analyse({
      ...cpuNode(0),
      ...amdGpu({ node: 1, renderMinor: 128, gfx: 110502, deviceId: 0x1234, vram: 1 * GIB, gtt: 24 * GIB }),
      ...amdGpu({ node: 2, renderMinor: 129, gfx: 110502, deviceId: 0x1235, vram: 2 * GIB, gtt: 6 * GIB }),
    });
    expect(report.gpus.map((g) => g.integrated)).toEqual([true, false]);
  });
});
