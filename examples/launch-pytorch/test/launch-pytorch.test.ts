// Runs the built example (turbo builds it before the tests). torch is not installed on CI, so the
// first test sees the skip; the second gives it a stand-in "python" that reports what it received, to
// check the exec path: planned environment, script path, arguments and exit code passed on.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.mjs');
const work = mkdtempSync(join(tmpdir(), 'launch-pytorch-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: build the example first (npm run build)`);
});

const run = (args: string[]) =>
  spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    env: { ...process.env, HOME: work },
    timeout: 60_000,
  });

function gfx1010Tree(): string {
  const root = join(work, 'tree');
  const files: Record<string, string> = {
    'sys/class/kfd/kfd/topology/nodes/1/properties':
      'simd_count 80\nwave_front_size 32\ngfx_target_version 100100\nvendor_id 4098\ndevice_id 29471\ndrm_render_minor 128\nunique_id 1001\n',
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

it('skips with a clear message and exit 0 when python or torch is missing', () => {
  const r = run(['--python', join(work, 'no-such-python')]);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/launch-pytorch: skipped: .*no-such-python was not found/);
  expect(r.stdout).toMatch(/rocm-patch exec -- .*train\.py/);
  // A python without torch (python3 here has none; a stand-in that fails the import elsewhere).
  const noTorch = join(work, 'python-without-torch');
  writeFileSync(noTorch, '#!/bin/sh\ncase "$1" in --version) echo "Python 3.11.2";; *) exit 1;; esac\n');
  chmodSync(noTorch, 0o755);
  const r2 = run(['--python', noTorch]);
  expect(r2.status).toBe(0);
  expect(r2.stdout).toMatch(/PyTorch is not installed/);
});

it('runs the script through rocm-patch exec with the planned environment and passes the exit code on', () => {
  const fake = join(work, 'fake-python');
  writeFileSync(
    fake,
    [
      '#!/bin/sh',
      'case "$1" in --version) echo "Python 3.11.2"; exit 0;; -c) echo "2.5.0+fake"; exit 0;; esac',
      'echo "HSA_OVERRIDE_GFX_VERSION=$HSA_OVERRIDE_GFX_VERSION"',
      'echo "script=$1 args=$2 $3"',
      'exit 5',
      '',
    ].join('\n'),
  );
  chmodSync(fake, 0o755);
  const r = run(['--python', fake, '--root', gfx1010Tree(), '--', '--epochs', '2']);
  expect(r.stdout).toMatch(/HSA_OVERRIDE_GFX_VERSION=10\.3\.0/);
  expect(r.stdout).toMatch(/script=.*python\/train\.py args=--epochs 2/);
  expect(r.status).toBe(5);
});
