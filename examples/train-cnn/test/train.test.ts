// Runs the built example (dist/main.mjs; turbo builds it before the tests) the way a user does,
// on a short run: synthetic data, and an image folder generated here with sharp.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileLoadHandler } from '../src/model-io.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist', 'main.mjs');
const work = mkdtempSync(join(tmpdir(), 'train-cnn-'));

function run(args: string[]) {
  return spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 170_000 });
}

beforeAll(async () => {
  if (!existsSync(main)) throw new Error(`${main} is missing: build the example first (npm run build)`);
  tf.enableProdMode();
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('trains one short epoch on synthetic shapes end to end', async () => {
  const out = join(work, 'synthetic');
  const r = run(['--epochs', '1', '--samples', 'small', '--out', out]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/convBypass\s+done/);
  // Every conv kernel call went through the bypass.
  expect(r.stdout).toMatch(/conv bypass: (\d+) calls, \1 bypassed \(100\.0%\)/);
  expect(r.stderr).toMatch(/epoch 1\/1 24\/24 .*held-out acc/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  expect(summary.history).toHaveLength(1);
  expect(summary.trainSamples).toBe(768);
  // Seeded weights and loader: one epoch of 768 samples gives 53% here, well above chance (1/3).
  expect(summary.history[0].testAccuracy).toBeGreaterThan(0.45);
  const png = PNG.sync.read(readFileSync(join(out, 'training.png')));
  expect(png.width).toBeGreaterThan(0);
  const model = await tf.loadLayersModel(fileLoadHandler(join(out, 'model')));
  const probs = model.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor;
  expect(probs.shape).toEqual([2, 3]);
});

it('trains on an image folder with --data', async () => {
  const data = join(work, 'images');
  const colours = { red: { r: 220, g: 30, b: 30 }, blue: { r: 30, g: 30, b: 220 } };
  for (const [name, background] of Object.entries(colours)) {
    mkdirSync(join(data, name), { recursive: true });
    for (let i = 0; i < 12; i++) {
      await sharp({ create: { width: 24, height: 24, channels: 3, background } })
        .png()
        .toFile(join(data, name, `${i}.png`));
    }
  }
  const out = join(work, 'folder');
  const r = run(['--data', data, '--epochs', '2', '--image-size', '16', '--workers', '1', '--out', out]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/images from/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  expect(summary.classes).toEqual(['blue', 'red']);
  expect(summary.trainSamples + summary.testSamples).toBe(24);
  expect(summary.history).toHaveLength(2);
});

it('rejects bad arguments with exit code 2 and names the option', () => {
  const r = run(['--epochs', 'zero']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/--epochs must be an integer/);
  const unknown = run(['--nope']);
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toMatch(/Usage/);
});
