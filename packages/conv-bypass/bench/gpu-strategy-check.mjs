#!/usr/bin/env node
// On a GPU machine: the vendor path (cuDNN / MIOpen via dlopen) against our CPU kernel for forward and
// both gradients on shapes with stride, asymmetric padding, dilation and groups; then AUTO's choice
// among our GPU kernels and the vendor path for a few keys. Prints a table and one JSON line.
//   node bench/gpu-strategy-check.mjs
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConvRouter,
  DecisionDb,
  decisionKey,
  detectCapabilities,
  gpu,
  makeProblem,
  SafeConv2d,
} from '@rocm-patch/conv-bypass';

const caps = detectCapabilities();
console.log(
  `GPU: ${caps.gpu ? `${caps.gpu.name} (${caps.gpu.backend} ${caps.gpu.arch})` : 'none'}; vendor: ${caps.vendor ? `${caps.vendor.library} ${caps.vendor.version}` : 'none'}`,
);
if (!caps.gpu || !caps.vendor) {
  console.log('nothing to check without a GPU and its vendor library');
  process.exit(0);
}

function tensor(shape, seed) {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return { data, shape };
}

function relError(a, b) {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / Math.max(scale, 1e-30);
}

// [x shape, w shape, stride, padding [t, b, l, r], dilation, groups]
const cases = [
  [[2, 3, 17, 19], [8, 3, 3, 3], [1, 1], [1, 1, 1, 1], [1, 1], 1],
  [[2, 4, 16, 15], [6, 4, 3, 3], [2, 2], [0, 1, 1, 0], [1, 1], 1],
  [[1, 6, 20, 20], [6, 2, 3, 3], [1, 2], [2, 2, 2, 2], [2, 2], 3],
  [[2, 8, 12, 12], [8, 1, 5, 5], [1, 1], [2, 2, 2, 2], [1, 1], 8],
  [[4, 16, 32, 32], [32, 16, 3, 3], [2, 2], [1, 1, 1, 1], [1, 1], 1],
];
const rows = [];
for (const [xs, ws, stride, padding, dilation, groups] of cases) {
  const g = { stride, padding, dilation, groups };
  const x = tensor(xs, 1);
  const w = tensor(ws, 2);
  const y = caps.algorithms.cpu.forward(x, w, g);
  const dy = tensor(y.shape, 3);
  const errors = {};
  for (const [dir, run] of [
    ['forward', (alg) => alg.forward(x, w, g)],
    ['backwardData', (alg) => alg.backwardData(dy, w, xs, g)],
    ['backwardFilter', (alg) => alg.backwardFilter(x, dy, ws, g)],
  ]) {
    const ref = run(caps.algorithms.cpu);
    for (const name of ['vendor', 'implicit_gemm', 'gpu_unfold']) {
      errors[`${name}.${dir}`] = relError(run(caps.algorithms[name]).data, ref.data);
    }
  }
  rows.push({ x: xs, w: ws, stride, padding, dilation, groups, errors });
  console.log(
    `x ${xs} w ${ws} s ${stride} p ${padding} d ${dilation} g ${groups}: max rel error ${Math.max(...Object.values(errors)).toExponential(2)} (vendor fwd ${errors['vendor.forward'].toExponential(1)}, bwd-data ${errors['vendor.backwardData'].toExponential(1)}, bwd-filter ${errors['vendor.backwardFilter'].toExponential(1)})`,
  );
}

// AUTO among the safe candidates: the vendor path marked probed-safe for these keys.
const db = new DecisionDb(join(mkdtempSync(join(tmpdir(), 'rp-gpu-check-')), 'db.json'));
const router = new ConvRouter({ decisionDb: db, capabilities: caps }, { capabilities: () => caps });
const choices = [];
for (const [xs, ws] of [
  [
    [32, 64, 56, 56],
    [64, 64, 3, 3],
  ],
  [
    [16, 3, 224, 224],
    [64, 3, 7, 7],
  ],
  [
    [32, 256, 14, 14],
    [256, 256, 3, 3],
  ],
]) {
  const g = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 };
  if (ws[2] === 7) Object.assign(g, { stride: [2, 2], padding: [3, 3, 3, 3] });
  const key = decisionKey(makeProblem('forward', xs, ws, g), caps);
  db.update(key, { probe: { outcome: 'ok', at: new Date().toISOString() } });
  const operands = { direction: 'forward', x: tensor(xs, 4), w: tensor(ws, 5) };
  router.run('check', operands, g); // warm-up run: first calls pay for cuDNN/kernel setup
  db.update(key, { choice: undefined });
  // A fresh router (no choice in memory) times the candidates again, now warm.
  new ConvRouter({ decisionDb: db, capabilities: caps }, { capabilities: () => caps }).run(
    'check',
    operands,
    g,
  );
  const choice = db.get(key).choice;
  choices.push({ key, algorithm: choice.algorithm, timingsMs: choice.timingsMs });
  console.log(
    `AUTO ${key}: ${choice.algorithm} (${Object.entries(choice.timingsMs)
      .map(([n, ms]) => `${n} ${ms.toFixed(2)} ms`)
      .join(', ')}; host copies included)`,
  );
}
// Real probes (a separate @rocm-patch/mp process running cuDNN / MIOpen) under SELECTIVE: a healthy
// key, and keys made to hang and crash with ROCM_PATCH_FAULT.
const probes = {};
{
  process.env.ROCM_PATCH_FAULT = 'hang:x1x5x11x11,crash:x1x5x12x12';
  const selective = new ConvRouter({
    strategy: 'selective',
    probeTimeoutMs: 5000,
    decisionDb: join(mkdtempSync(join(tmpdir(), 'rp-gpu-probe-')), 'db.json'),
  });
  for (const size of [10, 11, 12]) {
    const operands = { direction: 'forward', x: tensor([1, 5, size, size], 9), w: tensor([4, 5, 3, 3], 10) };
    const g = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 };
    const start = performance.now();
    await selective.runAsync('check', operands, g);
    const { key } = selective.keyOf(operands, g);
    const entry = selective.decisionDb.get(key);
    probes[size] = {
      outcome: entry.probe.outcome,
      detail: entry.probe.detail,
      ms: performance.now() - start,
    };
    console.log(
      `probe ${key}: ${entry.probe.outcome}${entry.probe.detail ? ` (${entry.probe.detail})` : ''}, ${(performance.now() - start).toFixed(0)} ms`,
    );
  }
  delete process.env.ROCM_PATCH_FAULT;
}

// SafeConv2d with DeviceTensor weight and input, on each GPU strategy: results stay on the GPU.
const safe = {};
{
  const w = tensor([8, 4, 3, 3], 6);
  const x = tensor([2, 4, 10, 10], 7);
  const bias = new Float32Array(8).fill(0.1);
  const g = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 };
  const y = caps.algorithms.cpu.forward(x, w, g, bias);
  const dy = tensor(y.shape, 8);
  const dx = caps.algorithms.cpu.backwardData(dy, w, x.shape, g);
  const dw = caps.algorithms.cpu.backwardFilter(x, dy, w.shape, g);
  for (const strategy of ['implicit_gemm', 'gpu_unfold', 'vendor']) {
    const layer = new SafeConv2d({ weight: gpu.upload(w), bias, padding: 1, strategy, router });
    const dY = layer.forward(gpu.upload(x));
    const grads = layer.backward(gpu.upload(dy));
    const onDevice = [dY, grads.dx, grads.dw].every((t) => typeof t.download === 'function');
    const error = Math.max(
      relError(dY.download().data, y.data),
      relError(grads.dx.download().data, dx.data),
      relError(grads.dw.download().data, dw.data),
    );
    safe[strategy] = { onDevice, error };
    console.log(
      `SafeConv2d ${strategy} with DeviceTensors: results on the GPU ${onDevice}, max rel error ${error.toExponential(2)}`,
    );
  }
}
console.log(
  JSON.stringify({
    check: 'gpu-strategy',
    safeConv2d: safe,
    probes,
    date: new Date().toISOString(),
    gpu: caps.gpu,
    vendor: caps.vendor,
    cases: rows,
    auto: choices,
  }),
);
