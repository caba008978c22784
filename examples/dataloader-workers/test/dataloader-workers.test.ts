// Runs the built example (turbo builds it before the tests) on a short run, as its README says.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.mjs');
const work = mkdtempSync(join(tmpdir(), 'dataloader-workers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: build the example first (npm run build)`);
});

const run = (args: string[]) =>
  spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 100_000 });

it('prints the throughput table for each worker count', () => {
  const r = run(['--images', '48', '--image-size', '64', '--batch-size', '8', '--workers', '0,1,2']);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/\| workers \| samples\/s \| vs 0 workers \| epoch time \|/);
  for (const w of [0, 1, 2]) expect(r.stdout).toMatch(new RegExp(`\\n\\| ${w} \\| [0-9.]+ \\| [0-9.]+× \\|`));
  expect(r.stdout).toMatch(/\n\| 0 \| [0-9.]+ \| 1\.00× \|/);
});

it('--json gives one object with every sample delivered, and --dir keeps the images', () => {
  const dir = join(work, 'images');
  const r = run([
    '--images',
    '24',
    '--image-size',
    '32',
    '--batch-size',
    '8',
    '--workers',
    '0,2',
    '--runtime',
    'process',
    '--dir',
    dir,
    '--json',
  ]);
  expect(r.status, r.stderr).toBe(0);
  const json = JSON.parse(r.stdout);
  expect(json).toMatchObject({ images: 24, imageSize: 32, runtime: 'process' });
  expect(json.rows.map((row: { workers: number; samples: number }) => [row.workers, row.samples])).toEqual([
    [0, 24],
    [2, 24],
  ]);
  expect(readdirSync(dir).sort()).toEqual(['a', 'b', 'c', 'd']);
});

it('rejects a bad option with exit code 2, naming it', () => {
  const r = run(['--runtime', 'fiber']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/--runtime must be thread or process/);
});
