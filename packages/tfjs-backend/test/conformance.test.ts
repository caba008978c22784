// tfjs-core's own test suite (the one TF.js's backends run) against 'rocm', compared with the same suite
// on tfjs-backend-cpu in the same run: at least 99% of the specs that pass on cpu must pass on 'rocm',
// and every one that does not must be a known, explained failure (test/conformance/known-failures.ts).
// It runs on the GPU where one is usable, else on the host device.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module of the repository's scripts
import { runConformance, specKey } from '../../../scripts/tfjs-conformance/suite.mjs';
import { KNOWN_FAILURES } from './conformance/known-failures.js';
import { TEST_DEVICE } from './helpers.js';

interface Results {
  backend: string;
  passed: string[];
  failed: { name: string; message: string }[];
  seconds: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const setup = join(here, 'conformance', 'setup.ts');
const outDir = join(here, 'conformance', 'out');

describe(`tfjs-core conformance suite on 'rocm' (${TEST_DEVICE} device)`, () => {
  it('passes at least 99% of what tfjs-backend-cpu passes, and fails only known specs', async () => {
    const [cpu, rocm] = (await Promise.all([
      runConformance({ setup, outDir, name: 'cpu', env: { CONFORMANCE_BACKEND: 'cpu' } }),
      runConformance({ setup, outDir, name: 'rocm', env: { CONFORMANCE_BACKEND: 'rocm' } }),
    ])) as [Results, Results];
    // Specs that only exist for one environment (the suite's own cpu-only checks) are not compared.
    const rocmPassed = new Set(rocm.passed.map((n) => specKey(n, 'rocm')));
    const failures = new Map(rocm.failed.map((f) => [specKey(f.name, 'rocm'), f.message]));
    const cpuPassed = new Set(
      cpu.passed.map((n) => specKey(n, 'cpu')).filter((k) => rocmPassed.has(k) || failures.has(k)),
    );
    const missing = [...cpuPassed].filter((k) => !rocmPassed.has(k));
    const ratio = (cpuPassed.size - missing.length) / cpuPassed.size;
    const unexplained = missing.filter((k) => !(k in KNOWN_FAILURES)).map((k) => `${k}: ${failures.get(k)}`);
    const fixed = Object.keys(KNOWN_FAILURES).filter((k) => rocmPassed.has(k));
    expect(cpuPassed.size).toBeGreaterThan(4000);
    expect(unexplained).toEqual([]);
    expect(fixed).toEqual([]);
    expect(ratio).toBeGreaterThanOrEqual(0.99);
  });
});
