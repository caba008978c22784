// What `npm pack` puts in each package's tarball (what users install), and that it refuses to pack a
// package that is not built. Here, in the umbrella package, for all six.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const packages = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'rocm-patch-pack-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function packedFiles(name: string): string[] {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: join(packages, name),
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  const [pack] = JSON.parse(r.stdout) as [{ files: { path: string }[] }];
  return pack.files.map((f) => f.path).sort();
}

describe.each(['env', 'mp', 'conv-bypass', 'tfjs-backend', 'loader', 'all'])('@rocm-patch/%s', (name) => {
  it('packs what users run and nothing they do not: no source maps, no CJS CLI, no dev tools or notes', () => {
    const files = packedFiles(name);
    expect(files).toContain('dist/index.mjs');
    expect(files).toContain('dist/index.cjs');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files).not.toContain('dist/cli.cjs');
    expect(files.filter((f) => /(^|\/)(tools|test|bench)\/|NOTES\.md$/.test(f))).toEqual([]);
    if (name === 'env' || name === 'all') {
      const bin = name === 'env' ? 'rocm-patch-env' : 'rocm-patch';
      expect(files).toEqual(expect.arrayContaining([`bin/${bin}.mjs`, 'dist/cli.mjs']));
    }
    if (name === 'conv-bypass') {
      // The install script builds the addon from these.
      expect(files).toEqual(
        expect.arrayContaining(['CMakeLists.txt', 'native/CMakeLists.txt', 'native/src/addon.cc']),
      );
    }
  });
});

it('refuses to pack a package that is not built, saying what to run', () => {
  // packages/mp and scripts/ side by side, as in the repository (prepack runs ../../scripts/check-built.mjs).
  const copy = join(scratch, 'packages', 'mp');
  cpSync(join(packages, 'mp'), copy, {
    recursive: true,
    filter: (src) => !/[\\/](dist|node_modules)$/.test(src),
  });
  cpSync(join(packages, '..', 'scripts', 'check-built.mjs'), join(scratch, 'scripts', 'check-built.mjs'));
  const r = spawnSync('npm', ['pack', '--dry-run'], { cwd: copy, encoding: 'utf8' });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain('@rocm-patch/mp: not built, refusing to pack; missing: ./dist/index.cjs');
  expect(r.stderr).toContain('Run `npm run build` at the root of the rocm-patch checkout first.');
});
