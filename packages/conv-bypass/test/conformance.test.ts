// tfjs-core's own test suite (what TF.js's backends run) on tfjs-backend-cpu, with and without this
// package's conv patch, in one run: the patch must not make any spec fail that passes without it (the
// patch hands calls it cannot express back to TF.js's kernel).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module of the repository's scripts
import { runConformance } from '../../../scripts/tfjs-conformance/suite.mjs';

interface Results {
  passed: string[];
  failed: { name: string; message: string }[];
}

const here = dirname(fileURLToPath(import.meta.url));
const setup = join(here, 'conformance', 'setup.ts');
const outDir = join(here, 'conformance', 'out');

describe('tfjs-core conformance suite on cpu with the conv patch', () => {
  it('passes every spec that passes without the patch', async () => {
    const [plain, patched] = (await Promise.all([
      runConformance({ setup, outDir, name: 'plain', env: { CONFORMANCE_PATCH: '0' } }),
      runConformance({ setup, outDir, name: 'patched', env: { CONFORMANCE_PATCH: '1' } }),
    ])) as [Results, Results];
    const failures = new Map(patched.failed.map((f) => [f.name, f.message]));
    const passed = new Set(patched.passed);
    const lost = plain.passed
      .filter((n) => !passed.has(n))
      .map((n) => `${n}: ${failures.get(n) ?? 'not run'}`);
    expect(plain.passed.length).toBeGreaterThan(4000);
    expect(lost).toEqual([]);
    // Two bundles of the suite run side by side: ~25 s alone, several times that on a loaded 2-core machine.
  }, 240_000);
});
