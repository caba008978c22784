// Bundles and runs tfjs-core's conformance suite in a child process (jasmine's globals stay out of the
// caller) and returns what passed and failed. Used by the packages' tests.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleConformance } from './bundle.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * @param {{ setup: string, outDir: string, name: string, env?: Record<string, string> }} o
 * @returns {Promise<{ backend: string, passed: string[], failed: { name: string, message: string }[], seconds: number }>}
 */
export async function runConformance(o) {
  mkdirSync(o.outDir, { recursive: true });
  const bundle = await bundleConformance(o.setup, join(o.outDir, `${o.name}.cjs`));
  const results = join(o.outDir, `${o.name}.json`);
  await promisify(execFile)(process.execPath, [join(here, 'run.cjs'), bundle, results], {
    env: { ...process.env, ...o.env },
    maxBuffer: 64 << 20,
    timeout: 600_000,
  });
  return JSON.parse(readFileSync(results, 'utf8'));
}

/**
 * A spec's name without the test environment's name: describeWithFlags appends "<name> {flags}" to each
 * (nested) describe, so the same spec has comparable names under two environments.
 */
export function specKey(fullName, envName) {
  return fullName.split(` ${envName} {`).join(' <env> {');
}

/**
 * What the rocm backend's run misses of the cpu run: `ratio` of the specs that pass on cpu (and exist for
 * both environments) that pass on rocm, the `unexplained` failures (not in `known`), and the `fixed` known
 * failures (in `known` but passing).
 * @param {{ passed: string[] }} cpu
 * @param {{ passed: string[], failed: { name: string, message: string }[] }} rocm
 * @param {Record<string, string>} known
 */
export function compareConformance(cpu, rocm, known) {
  const rocmPassed = new Set(rocm.passed.map((n) => specKey(n, 'rocm')));
  const failures = new Map(rocm.failed.map((f) => [specKey(f.name, 'rocm'), f.message]));
  // Specs that exist for one environment only (the suite's own cpu-only checks) are not compared.
  const cpuPassed = cpu.passed
    .map((n) => specKey(n, 'cpu'))
    .filter((k) => rocmPassed.has(k) || failures.has(k));
  const missing = cpuPassed.filter((k) => !rocmPassed.has(k));
  return {
    compared: cpuPassed.length,
    passed: cpuPassed.length - missing.length,
    ratio: (cpuPassed.length - missing.length) / cpuPassed.length,
    unexplained: missing.filter((k) => !(k in known)).map((k) => `${k}: ${failures.get(k)}`),
    fixed: Object.keys(known).filter((k) => rocmPassed.has(k)),
    failed: missing.map((k) => ({ spec: k, message: failures.get(k), known: known[k] })),
  };
}
