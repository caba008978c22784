#!/usr/bin/env node
/**
 * npm start (at the repository root, or in this folder): enableAllPatches(), then train a small CNN on
 * synthetic shapes (or --data DIR), print the bypass report, save the model and a chart.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { enableAllPatches, formatPatchReport, getBypassStats, printBypassReport } from '@rocm-patch/all';
import { renderTrainingChart } from './chart.js';
import { fileSaveHandler } from './model-io.js';
import { train } from './train.js';

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
  -h, --help
`;

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

  // TF.js (pure JS, no GPU runtime inside) on its cpu backend; its conv kernels are what the bypass replaces.
  const tf = await import('@tensorflow/tfjs');
  tf.enableProdMode(); // no "install tfjs-node" banner, no debug checks
  await tf.setBackend('cpu');
  const report = await enableAllPatches({ tf });
  process.stdout.write(formatPatchReport(report));

  const source = options.data
    ? `images from ${options.data}`
    : `synthetic shapes, ${options.trainSamples} training / ${options.testSamples} held-out`;
  process.stdout.write(
    `\nTraining a small CNN: ${source}, ${options.imageSize}×${options.imageSize}, ${epochs} epoch${epochs === 1 ? '' : 's'}, batch ${options.batchSize}, ${options.numWorkers} loader workers\n`,
  );
  const result = await train(tf, options);
  const last = result.history[result.history.length - 1]!;

  process.stdout.write('\n');
  printBypassReport((text) => process.stdout.write(`${text}\n`));
  const stats = getBypassStats();

  await result.model.save(fileSaveHandler(tf, join(out, 'model')));
  const chart = join(out, 'training.png');
  await writeFile(chart, renderTrainingChart(result.history));
  const summary = {
    classes: result.classes,
    trainSamples: result.trainSamples,
    testSamples: result.testSamples,
    seconds: result.seconds,
    history: result.history,
    bypass: {
      totalCalls: stats.totalCalls,
      bypassedCalls: stats.bypassedCalls,
      byAlgorithm: stats.byAlgorithm,
    },
  };
  await writeFile(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(
    `\nHeld-out accuracy ${(100 * last.testAccuracy).toFixed(1)}% after ${epochs} epoch${epochs === 1 ? '' : 's'} (training took ${result.seconds.toFixed(1)} s)\n` +
      `Model: ${join(out, 'model', 'model.json')} (+ weights.bin)\nChart: ${chart}\nSummary: ${join(out, 'summary.json')}\n`,
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
    process.stderr.write(`train-cnn: ${usage ? e.message : (e?.stack ?? String(e))}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
