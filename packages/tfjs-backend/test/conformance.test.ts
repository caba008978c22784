// tfjs-core's own test suite (the one TF.js's backends run) against 'rocm', compared with the same suite
// on tfjs-backend-cpu in the same run: at least 99% of the specs that pass on cpu must pass on 'rocm',
// and every one that does not must be a known, explained failure (test/conformance/known-failures.json, per
// device: spec name with the environment replaced by <env> → the reason; the package README lists them).
// It runs on the GPU where one is usable, else on the host device.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module of the repository's scripts
import { compareConformance, runConformance } from '../../../scripts/tfjs-conformance/suite.mjs';
import KNOWN_FAILURES from './conformance/known-failures.json' with { type: 'json' };
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
    const r = compareConformance(cpu, rocm, KNOWN_FAILURES[TEST_DEVICE]);
    expect(r.compared).toBeGreaterThan(4000);
    expect(r.unexplained).toEqual([]);
    expect(r.fixed).toEqual([]);
    expect(r.ratio).toBeGreaterThanOrEqual(0.99);
  });
});
