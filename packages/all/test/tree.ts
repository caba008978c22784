// A sysfs/ROCm directory tree for @rocm-patch/env's `root` option: one gfx1010 (RX 5700 XT) on ROCm 5.2,
// whose rocBLAS ships no gfx1010 kernels — the card this project exists for.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function makeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rocm-patch-all-'));
  made.push(root);
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

export function gfx1010Tree(): string {
  const dev = '/sys/class/drm/renderD128/device';
  const files: Record<string, string> = {
    '/sys/class/kfd/kfd/topology/nodes/0/properties':
      'cpu_cores_count 16\nsimd_count 0\ngfx_target_version 0\n',
    '/sys/class/kfd/kfd/topology/nodes/1/properties': [
      'cpu_cores_count 0',
      'simd_count 80',
      'lds_size_in_kb 64',
      'wave_front_size 32',
      'simd_per_cu 2',
      'gfx_target_version 100100',
      'vendor_id 4098',
      'device_id 29471',
      'drm_render_minor 128',
      'unique_id 1001',
      '',
    ].join('\n'),
    [`${dev}/vendor`]: '0x1002\n',
    [`${dev}/device`]: '0x731f\n',
    [`${dev}/mem_info_vram_total`]: `${8 * 1024 ** 3}\n`,
    [`${dev}/mem_info_gtt_total`]: `${16 * 1024 ** 3}\n`,
    '/sys/module/amdgpu/initstate': 'live\n',
    '/dev/kfd': '',
    '/opt/rocm/.info/version': '5.2.0-65\n',
  };
  for (const arch of ['gfx900', 'gfx906', 'gfx908', 'gfx90a', 'gfx1030']) {
    files[`/opt/rocm/lib/rocblas/library/TensileLibrary_lazy_${arch}.dat`] = 'x';
  }
  return makeTree(files);
}

/** An environment with a writable HOME (the MIOpen cache directories go there). */
export function homeEnv(): NodeJS.ProcessEnv {
  return { HOME: makeTree({ '/.keep': '' }), PATH: '/usr/bin:/bin' };
}
