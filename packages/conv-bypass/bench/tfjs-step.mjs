#!/usr/bin/env node
// One TF.js training step (batch 32, 32×32×3 input, three conv layers of 32/64/64 channels: the
// classic CIFAR-10 CNN) with the plain tfjs cpu backend and with the conv bypass patch (CPU, and GPU
// when this build and machine have one), all in one run. Prints a table with ratios, then one JSON line.
//   npm run bench:tfjs -w @rocm-patch/conv-bypass [-- --steps N] [--plain-steps N]
// (plain tfjs-cpu takes tens of seconds per step: it runs --plain-steps steps, default 3)
import { cpus } from 'node:os';
import {
  configureConvBypass,
  detectCapabilities,
  getBypassStats,
  resetBypassStats,
} from '@rocm-patch/conv-bypass';
import { enableMiopenBypass } from '@rocm-patch/conv-bypass/tfjs';
import * as tf from '@tensorflow/tfjs';

const args = process.argv.slice(2);
const stepsArg = args.indexOf('--steps');
const steps = stepsArg >= 0 ? Number(args[stepsArg + 1]) : 5;
const plainArg = args.indexOf('--plain-steps');
const plainSteps = plainArg >= 0 ? Number(args[plainArg + 1]) : Math.min(steps, 3);
if (!(Number.isInteger(steps) && steps >= 1 && Number.isInteger(plainSteps) && plainSteps >= 1)) {
  throw new RangeError('--steps and --plain-steps must be positive integers');
}
const BATCH = 32;

function buildModel() {
  const init = (seed) => tf.initializers.glorotUniform({ seed });
  const m = tf.sequential();
  m.add(
    tf.layers.conv2d({
      inputShape: [32, 32, 3],
      filters: 32,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: init(1),
    }),
  );
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init(3) }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(4) }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(5) }));
  m.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  return m;
}

/** Median ms of one model.trainOnBatch over `n` steps after one warm-up step, and the warm-up step's loss
 * (the same first step for every variant, so the losses are comparable). */
async function timeSteps(n) {
  const model = buildModel();
  const xs = tf.randomUniform([BATCH, 32, 32, 3], 0, 1, 'float32', 7);
  const ys = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 8), 10);
  const loss = await model.trainOnBatch(xs, ys);
  const times = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await model.trainOnBatch(xs, ys);
    times.push(performance.now() - start);
  }
  tf.dispose([xs, ys]);
  model.dispose();
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], loss: Number(loss) };
}

await tf.setBackend('cpu');
const capabilities = detectCapabilities();
const results = {};

results.tfjs_cpu = await timeSteps(plainSteps);

configureConvBypass({ strategy: 'cpu' });
let handle = enableMiopenBypass({ tf });
resetBypassStats();
results.patched_cpu = await timeSteps(steps);
results.patched_cpu.bypassRate = getBypassStats().bypassedCalls / getBypassStats().totalCalls;
handle.disable();

if (capabilities.gpu) {
  configureConvBypass({ strategy: 'auto' });
  handle = enableMiopenBypass({ tf });
  resetBypassStats();
  results.patched_gpu = await timeSteps(steps);
  const stats = getBypassStats();
  results.patched_gpu.bypassRate = stats.bypassedCalls / stats.totalCalls;
  results.patched_gpu.byAlgorithm = stats.byAlgorithm;
  handle.disable();
}

const base = results.tfjs_cpu.ms;
const rows = Object.entries(results).map(([name, r]) => [
  name,
  r.ms.toFixed(1),
  (base / r.ms).toFixed(2),
  r.loss.toFixed(4),
]);
const header = ['variant', 'ms/step', 'speedup vs tfjs-cpu', 'first-step loss'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(
  `TF.js training step: batch ${BATCH}, 32x32x3, conv 32/64/64 (CIFAR CNN); ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}); GPU: ${capabilities.gpu ? `${capabilities.gpu.name} (${capabilities.gpu.arch})` : 'none'}`,
);
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(
  JSON.stringify({
    benchmark: 'tfjs-training-step',
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    gpu: capabilities.gpu,
    batch: BATCH,
    steps,
    plainSteps,
    results,
    speedup: Object.fromEntries(Object.entries(results).map(([name, r]) => [name, base / r.ms])),
  }),
);
