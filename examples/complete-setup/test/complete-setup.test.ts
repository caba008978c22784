// Runs the built example (turbo builds it before the tests) as its README says, on this machine and on a
// gfx1010 directory tree.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.mjs');
const work = mkdtempSync(join(tmpdir(), 'complete-setup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: build the example first (npm run build)`);
});

function gfx1010Tree(): string {
  const root = join(work, 'tree');
  const files: Record<string, string> = {
    'sys/class/kfd/kfd/topology/nodes/0/properties':
      'cpu_cores_count 16\nsimd_count 0\ngfx_target_version 0\n',
    'sys/class/kfd/kfd/topology/nodes/1/properties':
      'simd_count 80\nwave_front_size 32\nsimd_per_cu 2\ngfx_target_version 100100\nvendor_id 4098\ndevice_id 29471\ndrm_render_minor 128\nunique_id 1001\n',
    'sys/class/drm/renderD128/device/vendor': '0x1002\n',
    'sys/class/drm/renderD128/device/device': '0x731f\n',
    'sys/class/drm/renderD128/device/mem_info_vram_total': `${8 * 1024 ** 3}\n`,
    'sys/module/amdgpu/initstate': 'live\n',
    'dev/kfd': '',
    'opt/rocm/.info/version': '5.2.0-65\n',
    'opt/rocm/lib/rocblas/library/TensileLibrary_lazy_gfx1030.dat': 'x',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

function run(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: work };
  for (const k of Object.keys(env)) if (/VISIBLE_DEVICES|HSA_OVERRIDE/.test(k)) delete env[k];
  return spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env, timeout: 100_000 });
}

it('walks through the four steps on this machine', () => {
  const r = run([]);
  expect(r.status, r.stderr).toBe(0);
  for (const n of [1, 2, 3, 4]) expect(r.stdout).toMatch(new RegExp(`Step ${n}:`));
  // The pool worker is a process with every GPU hidden.
  expect(r.stdout).toMatch(
    /"runtime":"process"\},"ROCR_VISIBLE_DEVICES":"","HIP_VISIBLE_DEVICES":"-1","CUDA_VISIBLE_DEVICES":"-1"/,
  );
  expect(r.stdout).toMatch(/persistentWorkers=true; 4 batches/);
  expect(r.stdout).toMatch(/output 1×64×64×8, centre value 27/); // 3×3×3 ones
  expect(r.stdout).toMatch(/1 call\(s\), 1 bypassed/);
});

it('on a gfx1010 with ROCm 5.2 it plans the override, and the pool worker inherits it', () => {
  const r = run(['--root', gfx1010Tree()]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/Detected GPUs: 0: .*gfx1010/);
  expect(r.stdout).toMatch(/set\s+HSA_OVERRIDE_GFX_VERSION=10\.3\.0/);
  expect(r.stdout).toMatch(/"HSA_OVERRIDE_GFX_VERSION":"10\.3\.0"/);
  expect(r.stdout).toMatch(/runtime=process, persistentWorkers=true/);
});
