// Runs the built example (dist/main.mjs; turbo builds it before the tests) the way a user does,
// on a short run: synthetic data, and an image folder generated here with sharp; on TF.js's cpu
// backend (what a machine without a GPU runs) and on the 'rocm' backend's host device.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRocmBackend } from '@rocm-patch/all';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileLoadHandler } from '../src/model-io.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist', 'main.mjs');
const work = mkdtempSync(join(tmpdir(), 'train-cnn-'));

// The runs choose the device themselves: no ROCM_PATCH_TFJS_DEVICE from the calling shell.
delete process.env.ROCM_PATCH_TFJS_DEVICE;
/** Whether the 'rocm' backend starts here without being asked (a usable GPU). */
const gpuUsable = (await loadRocmBackend()).deviceAvailability().kind !== null;

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    timeout: 170_000,
    env: { ...process.env, ...env },
  });
}

beforeAll(async () => {
  if (!existsSync(main)) throw new Error(`${main} is missing: build the example first (npm run build)`);
  tf.enableProdMode();
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('trains one short epoch on synthetic shapes end to end (on the cpu backend without a GPU)', async () => {
  const out = join(work, 'synthetic');
  // Where a GPU is usable, auto would pick the 'rocm' backend: this run is about the cpu path.
  const r = run([
    '--epochs',
    '1',
    '--samples',
    'small',
    '--out',
    out,
    ...(gpuUsable ? ['--backend', 'cpu'] : []),
  ]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(
    gpuUsable ? /backend\s+off/ : /backend\s+skipped\s+the 'rocm' backend cannot start here/,
  );
  expect(r.stdout).toMatch(/TF\.js backend\s+cpu, on the CPU/);
  expect(r.stdout).toMatch(/Training a small CNN \(strided\) on TF\.js's cpu backend/);
  expect(r.stdout).not.toMatch(/rocm backend on/);
  expect(r.stdout).toMatch(/convBypass\s+done/);
  // Every conv kernel call went through the bypass.
  expect(r.stdout).toMatch(/conv bypass: (\d+) calls, \1 bypassed \(100\.0%\)/);
  expect(r.stderr).toMatch(/epoch 1\/1 24\/24 .*held-out acc/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  expect(summary.history).toHaveLength(1);
  expect(summary.trainSamples).toBe(768);
  expect(summary).toMatchObject({ backend: 'cpu', model: 'strided' });
  expect(summary).not.toHaveProperty('backendReport');
  // Seeded weights and loader: one epoch of 768 samples gives 53% here, well above chance (1/3).
  expect(summary.history[0].testAccuracy).toBeGreaterThan(0.45);
  // The chart: SVG beside its PNG rasterisation.
  expect(readFileSync(join(out, 'training.svg'), 'utf8')).toMatch(
    /^<svg [\s\S]*>accuracy<\/text>[\s\S]*<\/svg>\n$/,
  );
  expect(await sharp(readFileSync(join(out, 'training.png'))).metadata()).toMatchObject({
    format: 'png',
    width: 1000,
    height: 480,
  });
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

it('trains the batchnorm CNN on the rocm backend (its host device here) and prints its report', async () => {
  const out = join(work, 'rocm');
  const args = ['--epochs', '1', '--samples', '96', '--image-size', '16', '--batch-size', '16', '--out', out];
  const r = run(args, { ROCM_PATCH_TFJS_DEVICE: 'host' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/backend\s+done\s+TF\.js runs on the 'rocm' backend: host/);
  expect(r.stdout).toMatch(/convBypass\s+skipped\s+not needed/);
  expect(r.stdout).toMatch(/Training a small CNN \(batchnorm\) on TF\.js's rocm backend/);
  // The backend report, not the bypass report: native and host-path kernel calls.
  expect(r.stdout).toMatch(/rocm backend on host \(.*\): \d+ native kernel calls, \d+ on the host path/);
  expect(r.stdout).toMatch(/\n {2}Conv2DBackpropFilter\s+\d+\s+native/);
  expect(r.stdout).not.toMatch(/conv bypass: \d+ calls/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  expect(summary).toMatchObject({ backend: 'rocm', model: 'batchnorm', trainSamples: 96 });
  expect(summary.backendDevice).toMatch(/^host/);
  expect(summary.backendReport.totalNative).toBeGreaterThan(0);
  expect(typeof summary.backendReport.totalHostPath).toBe('number');
  // The convolutions went through the conv router on the device buffers.
  expect(summary.bypass.totalCalls).toBeGreaterThan(0);
  const model = await tf.loadLayersModel(fileLoadHandler(join(out, 'model')));
  const layers = model.layers.map((l) => l.getClassName());
  expect(layers.filter((l) => l === 'BatchNormalization')).toHaveLength(3);
  expect(layers.filter((l) => l === 'MaxPooling2D')).toHaveLength(3);
  expect((model.predict(tf.zeros([1, 16, 16, 3])) as tf.Tensor).shape).toEqual([1, 3]);
});

it('--backend cpu keeps TF.js on its cpu backend where the rocm backend could start', () => {
  const args = ['--epochs', '1', '--samples', '96', '--image-size', '16', '--batch-size', '16'];
  const r = run([...args, '--backend', 'cpu', '--out', join(work, 'cpu')], {
    ROCM_PATCH_TFJS_DEVICE: 'host',
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/backend\s+off\s+backend 'cpu' asked for/);
  expect(r.stdout).toMatch(/Training a small CNN \(strided\) on TF\.js's cpu backend/);
  expect(r.stdout).toMatch(/conv bypass: (\d+) calls, \1 bypassed/);
  expect(r.stdout).not.toMatch(/rocm backend on/);
});

it.skipIf(gpuUsable)(
  '--backend rocm without a GPU: exit 1 with the reason and the fix, no stack trace',
  () => {
    const r = run(['--backend', 'rocm', '--epochs', '1', '--samples', 'small', '--out', join(work, 'none')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^train-cnn: The 'rocm' TF\.js backend cannot start: /);
    expect(r.stderr).toMatch(/ROCM_PATCH_TFJS_DEVICE=host/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  },
);

it('rejects bad arguments with exit code 2 and names the option', () => {
  const r = run(['--epochs', 'zero']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/--epochs must be an integer/);
  const unknown = run(['--nope']);
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toMatch(/Usage/);
  const backend = run(['--backend', 'gpu']);
  expect(backend.status).toBe(2);
  expect(backend.stderr).toMatch(/--backend must be auto, rocm or cpu, got gpu/);
  const model = run(['--model', 'resnet']);
  expect(model.status).toBe(2);
  expect(model.stderr).toMatch(/--model must be auto, batchnorm or strided, got resnet/);
});
