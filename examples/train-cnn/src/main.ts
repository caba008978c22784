#!/usr/bin/env node
/**
 * npm start (at the repository root, or in this folder): enableAllPatches() — the 'rocm' TF.js backend
 * where a GPU is usable, else TF.js's cpu backend with the conv bypass — then train a small CNN on
 * synthetic shapes (or --data DIR), print the backend report (or the bypass report on the cpu backend),
 * save the model and a chart.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type BackendChoice,
  enableAllPatches,
  formatPatchReport,
  getBackendReport,
  getBypassStats,
  printBackendReport,
  printBypassReport,
} from '@rocm-patch/all';
import { svgToPng, trainingChartSvg } from './chart.js';
import { fileSaveHandler } from './model-io.js';
import { MODEL_KINDS, type ModelKind, train } from './train.js';

const USAGE = `Usage: npm start -- [options]   (or: node dist/main.mjs [options])

  --epochs N          training epochs (default 3)
  --samples SIZE      synthetic data: small (768 train / 256 held-out), default (3000 / 1000),
                      or a number of training samples (held-out: a sixth of it)
  --data DIR          train on an image folder (one sub-folder per class) instead; 20% is held out
  --image-size N      image side in pixels (default 32)
  --batch-size N      (default 32)
  --workers N         DataLoader workers (default 2)
  --lr X              Adam learning rate (default 0.003)
  --seed N            (default 1)
  --out DIR           where the model and the chart go (default ./output)
  --backend B         auto (default): the 'rocm' TF.js backend where a GPU is usable (or where
                      ROCM_PATCH_TFJS_DEVICE=host asks for its CPU device), else TF.js's cpu backend
                      with the conv bypass; rocm: fail when it cannot start; cpu: never use it
  --model M           auto (default): batchnorm on 'rocm', strided on cpu; batchnorm: conv + batch
                      norm + max pooling ×3; strided: four convolutions, three of them strided
  -h, --help
`;

const BACKENDS: readonly BackendChoice[] = ['auto', 'rocm', 'cpu'];

function oneOf<T extends string>(
  value: string | undefined,
  name: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new RangeError(
      `${name} must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, got ${value}`,
    );
  }
  return value as T;
}

const SAMPLES = { small: [768, 256], default: [3000, 1000] } as const;

function positiveInt(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
  return n;
}

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      options: {
        epochs: { type: 'string' },
        samples: { type: 'string' },
        data: { type: 'string' },
        'image-size': { type: 'string' },
        'batch-size': { type: 'string' },
        workers: { type: 'string' },
        lr: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        backend: { type: 'string' },
        model: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`train-cnn: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const str = (k: string) => values[k] as string | undefined;
  let samples: readonly [number, number];
  const epochs = positiveInt(str('epochs'), '--epochs', 3);
  const samplesArg = str('samples') ?? 'default';
  if (samplesArg === 'small' || samplesArg === 'default') samples = SAMPLES[samplesArg];
  else {
    const n = positiveInt(samplesArg, '--samples', 0, 10);
    samples = [n, Math.max(1, Math.round(n / 6))];
  }
  const lr = str('lr') === undefined ? 0.003 : Number(str('lr'));
  if (!(lr > 0 && lr < 1)) throw new RangeError(`--lr must be a number in (0, 1), got ${str('lr')}`);
  const options = {
    epochs,
    trainSamples: samples[0],
    testSamples: samples[1],
    imageSize: positiveInt(str('image-size'), '--image-size', 32, 8),
    batchSize: positiveInt(str('batch-size'), '--batch-size', 32),
    numWorkers: positiveInt(str('workers'), '--workers', 2, 0),
    learningRate: lr,
    seed: positiveInt(str('seed'), '--seed', 1, 0),
    ...(str('data') === undefined ? {} : { data: resolve(str('data')!) }),
  };
  const out = resolve(str('out') ?? 'output');
  const backend = oneOf(str('backend'), '--backend', BACKENDS) ?? 'auto';
  const modelArg = oneOf(str('model'), '--model', ['auto', ...MODEL_KINDS]) ?? 'auto';

  // TF.js (pure JS, no GPU runtime inside) on its cpu backend; enableAllPatches() moves it to the 'rocm'
  // backend where that can start, else replaces the cpu backend's conv kernels by the bypass.
  const tf = await import('@tensorflow/tfjs');
  tf.enableProdMode(); // no "install tfjs-node" banner, no debug checks
  await tf.setBackend('cpu');
  const report = await enableAllPatches({ tf, backend });
  process.stdout.write(formatPatchReport(report));
  const onRocm = report.backend === 'rocm';
  const model: ModelKind = modelArg === 'auto' ? (onRocm ? 'batchnorm' : 'strided') : modelArg;

  const source = options.data
    ? `images from ${options.data}`
    : `synthetic shapes, ${options.trainSamples} training / ${options.testSamples} held-out`;
  process.stdout.write(
    `\nTraining a small CNN (${model}) on TF.js's ${report.backend} backend: ${source}, ${options.imageSize}×${options.imageSize}, ${epochs} epoch${epochs === 1 ? '' : 's'}, batch ${options.batchSize}, ${options.numWorkers} loader workers\n`,
  );
  const result = await train(tf, { ...options, model });
  const last = result.history[result.history.length - 1]!;

  process.stdout.write('\n');
  const write = (text: string) => process.stdout.write(`${text}\n`);
  // On 'rocm': which kernels ran on the device and which took the host path (0 is the goal). On cpu: the
  // conv bypass's calls per kernel, algorithm and shape.
  if (onRocm) printBackendReport(write);
  else printBypassReport(write);
  const stats = getBypassStats();
  const backendReport = getBackendReport();

  await result.model.save(fileSaveHandler(tf, join(out, 'model')));
  const chartSvg = trainingChartSvg(result.history);
  await writeFile(join(out, 'training.svg'), chartSvg);
  const chart = join(out, 'training.png');
  await writeFile(chart, await svgToPng(chartSvg));
  const summary = {
    classes: result.classes,
    trainSamples: result.trainSamples,
    testSamples: result.testSamples,
    seconds: result.seconds,
    history: result.history,
    backend: report.backend,
    backendDevice: report.backendDevice,
    model,
    ...(backendReport
      ? {
          backendReport: {
            totalNative: backendReport.totalNative,
            totalHostPath: backendReport.totalHostPath,
            hostPath: backendReport.hostPath,
          },
        }
      : {}),
    bypass: {
      totalCalls: stats.totalCalls,
      bypassedCalls: stats.bypassedCalls,
      byAlgorithm: stats.byAlgorithm,
    },
  };
  await writeFile(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(
    `\nHeld-out accuracy ${(100 * last.testAccuracy).toFixed(1)}% after ${epochs} epoch${epochs === 1 ? '' : 's'} (training took ${result.seconds.toFixed(1)} s)\n` +
      `Model: ${join(out, 'model', 'model.json')} (+ weights.bin)\nChart: ${chart} (+ training.svg)\nSummary: ${join(out, 'summary.json')}\n`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const e = error as Error;
    const usage = e instanceof RangeError || e instanceof TypeError;
    // --backend rocm where it cannot start: the reason and the fix are the message; no stack needed.
    const known = usage || e?.name === 'DeviceUnavailableError';
    process.stderr.write(`train-cnn: ${known ? e.message : (e?.stack ?? String(e))}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
