import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'rocm');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory tree: keys are absolute system paths, values file contents. */
export function makeTree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'rocm-patch-env-'));
  made.push(root);
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

export const GIB = 1024 ** 3;

export interface AmdGpuSpec {
  node: number;
  /** gfx_target_version, e.g. 100100 for gfx1010. */
  gfx: number;
  deviceId: number;
  renderMinor: number;
  simdCount?: number;
  simdPerCu?: number;
  wave?: number;
  vram?: number;
  gtt?: number;
  uniqueId?: string;
}

export function cpuNode(node = 0): Record<string, string> {
  return {
    [`/sys/class/kfd/kfd/topology/nodes/${node}/properties`]: [
      'cpu_cores_count 16',
      'simd_count 0',
      'gfx_target_version 0',
      'vendor_id 0',
      'device_id 0',
      'drm_render_minor 0',
      'unique_id 0',
      '',
    ].join('\n'),
  };
}

/** KFD node properties plus the DRM render node files of one AMD GPU. */
export function amdGpu(spec: AmdGpuSpec): Record<string, string> {
  const props = [
    'cpu_cores_count 0',
    `simd_count ${spec.simdCount ?? 72}`,
    'lds_size_in_kb 64',
    `wave_front_size ${spec.wave ?? 32}`,
    `simd_per_cu ${spec.simdPerCu ?? 2}`,
    `gfx_target_version ${spec.gfx}`,
    'vendor_id 4098',
    `device_id ${spec.deviceId}`,
    `drm_render_minor ${spec.renderMinor}`,
    `unique_id ${spec.uniqueId ?? String(1000 + spec.node)}`,
    '',
  ].join('\n');
  const dev = `/sys/class/drm/renderD${spec.renderMinor}/device`;
  return {
    [`/sys/class/kfd/kfd/topology/nodes/${spec.node}/properties`]: props,
    [`${dev}/vendor`]: '0x1002\n',
    [`${dev}/device`]: `0x${spec.deviceId.toString(16).padStart(4, '0')}\n`,
    [`${dev}/mem_info_vram_total`]: `${spec.vram ?? 8 * GIB}\n`,
    [`${dev}/mem_info_gtt_total`]: `${spec.gtt ?? 16 * GIB}\n`,
    '/sys/module/amdgpu/initstate': 'live\n',
    '/dev/kfd': '',
  };
}

/** A ROCm install whose rocBLAS ships kernels for `archs`. */
export function rocm(version: string, archs: string[], path = '/opt/rocm'): Record<string, string> {
  const files: Record<string, string> = { [`${path}/.info/version`]: `${version}\n` };
  for (const arch of archs) {
    files[`${path}/lib/rocblas/library/TensileLibrary_lazy_${arch}.dat`] = 'x';
    files[`${path}/lib/rocblas/library/Kernels.so-000-${arch}.hsaco`] = 'x';
  }
  files[`${path}/lib/rocblas/library/TensileManifest.txt`] = 'x';
  return files;
}

/** An environment with a writable HOME, so the MIOpen defaults need no change. */
export function homeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = makeTree({ '/.keep': '' });
  return { HOME: home, PATH: '/usr/bin:/bin', ...extra };
}
