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
