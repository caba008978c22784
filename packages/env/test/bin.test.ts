// The `rocm-patch-env` bin: a committed launcher (bin/rocm-patch-env.mjs), so npm links it at install even in a
// checkout that is not built yet. Without it `npx rocm-patch-env` asks the registry for a package of that name.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const pkgDir = join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  files: string[];
};
const scratch = mkdtempSync(join(tmpdir(), 'rocm-patch-env-bin-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('names a committed, executable launcher that the package ships (not a build output)', () => {
  expect(Object.keys(manifest.bin)).toEqual(['rocm-patch-env']);
  const target = manifest.bin['rocm-patch-env']!;
  expect(target).toBe('./bin/rocm-patch-env.mjs');
  expect(manifest.files).toContain('bin');
  // Tracked by git with the executable bit: a fresh clone has it before anything is built.
  const staged = spawnSync('git', ['ls-files', '--stage', '--', target], { cwd: pkgDir, encoding: 'utf8' });
  expect(staged.stdout).toMatch(/^100755 [0-9a-f]+ 0\tbin\/rocm-patch-env\.mjs$/m);
  expect(readFileSync(join(pkgDir, target), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
});

it('runs the built CLI', () => {
  const r = spawnSync(process.execPath, [join(pkgDir, 'bin', 'rocm-patch-env.mjs'), '--version'], {
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(`rocm-patch-env ${manifest.version}\n`);
  expect(r.status).toBe(0);
});

it('says to run `npm run build` where the package is not built', () => {
  const copy = join(scratch, 'unbuilt');
  mkdirSync(join(copy, 'bin'), { recursive: true });
  copyFileSync(join(pkgDir, 'bin', 'rocm-patch-env.mjs'), join(copy, 'bin', 'rocm-patch-env.mjs'));
  const r = spawnSync(process.execPath, [join(copy, 'bin', 'rocm-patch-env.mjs'), 'doctor'], {
    encoding: 'utf8',
  });
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(
    'rocm-patch-env: this copy of @rocm-patch/env is not built (dist/cli.mjs is missing): run `npm run build` at the root of the rocm-patch checkout\n',
  );
  expect(r.status).toBe(1);
});
