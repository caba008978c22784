#!/usr/bin/env node
// Benchmark: an ImageFolder of generated 256×256 JPEGs, decoded, resized to 224×224 and normalised to CHW
// float32, batch 32. Samples/s for the DataLoader with numWorkers 0, 1, 2, 4 (threads and processes) and
// for a tfjs-data pipeline (tf.data.generator + mapAsync/map + batch + prefetch) doing the same work, in
// one run. sharp.concurrency(1) everywhere (the dataset's sharpConcurrency option, in every worker and in
// the main process), so that libvips' own threads do not parallelise decoding behind the loader's back:
// the comparison measures the loader's parallelism. libvips' operation cache is off everywhere too
// (sharpCache: false): every image is decoded once, so it cannot help, and its lock slows thread workers.
// Where python3 can import torch and torchvision, PyTorch's DataLoader runs on the same folder in the same
// run (torch-peer.mjs), in every round right after ours, and the ratio ours / PyTorch of the best rounds
// is printed per worker count; otherwise one line says why it was skipped.
//
//   npm run bench -w @rocm-patch/loader [-- --images 2000 --workers 0,1,2,4 --batch-size 32 --skip-tfjs]
//                                          [--skip-torch] [--python python3] [--torch-script PATH]
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { ImageFolderDataset } from '../dist/image-folder.mjs';
import { DataLoader } from '../dist/index.mjs';
import { compareWithTorch, defaultTorchScript, runTorchPeer, torchMissingReason } from './torch-peer.mjs';

const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '0,1,2,4' },
    'batch-size': { type: 'string', default: '32' },
    // For quick looks at the loader alone; a full run always includes the tfjs-data peer.
    'skip-tfjs': { type: 'boolean', default: false },
    // Loader configurations run this many times, interleaved, and report their best epoch: on a shared
    // machine other tenants' load drifts, and the best epoch is the one least disturbed by it.
    rounds: { type: 'string', default: '2' },
    // libvips' operation cache, off by default (see above); --sharp-cache keeps sharp's default (on).
    'sharp-cache': { type: 'boolean', default: false },
    // The PyTorch peer: skipped with a one-line reason when this python cannot import torch and torchvision.
    'skip-torch': { type: 'boolean', default: false },
    python: { type: 'string', default: 'python3' },
    'torch-script': { type: 'string', default: defaultTorchScript },
  },
});
const imageCount = Number(args.images);
const workerCounts = args.workers.split(',').map(Number);
const batchSize = Number(args['batch-size']);
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('--rounds must be a positive integer');
if (!Number.isInteger(imageCount) || imageCount < batchSize)
  throw new RangeError('--images must be an integer ≥ batch size');
if (workerCounts.some((n) => !Number.isInteger(n) || n < 0))
  throw new RangeError('--workers must list integers ≥ 0');
const SIDE = 256;
const OUT = 224;
const CLASSES = ['circles', 'bars', 'checks', 'noise'];

sharp.concurrency(1);
const sharpCache = args['sharp-cache'];
sharp.cache(sharpCache);

/** Generates the image folder once per (count, version) into the OS temp dir and reuses it. */
async function imageFolder() {
  const root = join(tmpdir(), `rocm-patch-loader-bench-v1-${imageCount}`);
  const done = join(root, '.complete');
  if (existsSync(done)) return root;
  rmSync(root, { recursive: true, force: true });
  for (const c of CLASSES) mkdirSync(join(root, c), { recursive: true });
  process.stderr.write(`generating ${imageCount} ${SIDE}×${SIDE} JPEGs in ${root} (once) …\n`);
  let seed = 12345;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const jobs = [];
  for (let i = 0; i < imageCount; i++) {
    const label = i % CLASSES.length;
    const rgb = Buffer.alloc(SIDE * SIDE * 3);
    const [r0, g0, b0] = [rand() * 255, rand() * 255, rand() * 255];
    const f = 4 + rand() * 20;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        let v;
        if (label === 0) v = Math.sin(Math.hypot(x - 128, y - 128) / f);
        else if (label === 1) v = Math.sin(x / f);
        else if (label === 2) v = Math.sign(Math.sin(x / f) * Math.sin(y / f));
        else v = rand() * 2 - 1;
        const p = (y * SIDE + x) * 3;
        const n = (rand() - 0.5) * 40;
        rgb[p] = Math.max(0, Math.min(255, r0 * (0.5 + 0.5 * v) + n));
        rgb[p + 1] = Math.max(0, Math.min(255, g0 * (0.5 - 0.5 * v) + n));
        rgb[p + 2] = Math.max(0, Math.min(255, b0 + 60 * v + n));
      }
    }
    const file = join(root, CLASSES[label], `${String(i).padStart(5, '0')}.jpg`);
    jobs.push(
      sharp(rgb, { raw: { width: SIDE, height: SIDE, channels: 3 } })
        .jpeg({ quality: 90 })
        .toFile(file),
    );
    if (jobs.length >= 16) await Promise.all(jobs.splice(0));
  }
  await Promise.all(jobs);
  writeFileSync(done, '');
  return root;
}

function checkBatch(batch, expected) {
  const { shape } = batch.image;
  if (shape.length !== 4 || shape[1] !== 3 || shape[2] !== OUT || shape[3] !== OUT || shape[0] > expected) {
    throw new Error(`unexpected batch shape [${shape}]`);
  }
  return shape[0];
}

/**
 * One untimed epoch (starts the persistent workers, warms the page cache and the JIT), then one timed
 * epoch: the steady state of training with persistent workers. The warm-up runs to its end rather than
 * breaking off early, since batches still being loaded for a broken-off epoch would hold the workers when
 * the timed one starts.
 */
async function measureLoader(root, numWorkers, runtime) {
  const loader = new DataLoader({
    dataset: new ImageFolderDataset({ root, size: OUT, sharpConcurrency: 1, sharpCache }),
    batchSize,
    shuffle: true,
    seed: 1,
    numWorkers,
    runtime,
    persistentWorkers: true,
  });
  try {
    for await (const batch of loader) checkBatch(batch, batchSize);
    const start = performance.now();
    let samples = 0;
    for await (const batch of loader) samples += checkBatch(batch, batchSize);
    const seconds = (performance.now() - start) / 1000;
    if (samples !== imageCount)
      throw new Error(`the epoch delivered ${samples} samples, expected ${imageCount}`);
    return { samples, seconds, samplesPerSecond: samples / seconds };
  } finally {
    await loader.close();
  }
}

/** The same work as a tfjs-data pipeline: generator of files → decode+resize (sharp) → normalise (tf ops) → batch → prefetch. */
async function measureTfjs(root) {
  // Loaded here, not at the top: `--skip-tfjs` runs (e.g. on a machine without TF.js) never need it.
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const files = new ImageFolderDataset({ root, size: OUT, sharpConcurrency: 1, sharpCache }).samples;
  const mean = tf.tensor1d([0.485, 0.456, 0.406]);
  const std = tf.tensor1d([0.229, 0.224, 0.225]);
  const dataset = tf.data
    .generator(function* () {
      for (const [path, label] of files) yield { path, label };
    })
    .mapAsync(async ({ path, label }) => {
      const pixels = await sharp(path)
        .resize(OUT, OUT, { fit: 'fill' })
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer();
      return { pixels: new Int32Array(pixels), label };
    })
    .map(({ pixels, label }) => ({
      xs: tf.tidy(() =>
        tf
          .tensor3d(pixels, [OUT, OUT, 3], 'int32')
          .toFloat()
          .div(255)
          .sub(mean)
          .div(std)
          .transpose([2, 0, 1]),
      ),
      ys: label,
    }))
    .batch(batchSize)
    .prefetch(2);
  const run = async (limit) => {
    let samples = 0;
    const it = await dataset.iterator();
    while (true) {
      const step = await it.next();
      if (step.done) break;
      const xs = step.value.xs;
      if (xs.shape[1] !== 3 || xs.shape[2] !== OUT)
        throw new Error(`unexpected tfjs batch shape [${xs.shape}]`);
      samples += xs.shape[0];
      tf.dispose(step.value);
      if (samples >= limit) break;
    }
    return samples;
  };
  await run(3 * batchSize);
  const start = performance.now();
  const samples = await run(Number.POSITIVE_INFINITY);
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([mean, std]);
  if (samples !== imageCount)
    throw new Error(`the tfjs epoch delivered ${samples} samples, expected ${imageCount}`);
  return { samples, seconds, samplesPerSecond: samples / seconds };
}

/**
 * How many cores this process actually gets right now: `cores` threads spin for a while and the process's
 * CPU time is divided by the wall time. On a machine shared with other work it is below `cores`, and no
 * loader can scale past it: the figure is printed beside the results.
 */
async function availableCores(cores, ms = 1000) {
  const code = `const end = Date.now() + ${ms}; let x = 0; while (Date.now() < end) x++; require('node:worker_threads').parentPort.postMessage(x);`;
  const start = performance.now();
  const before = process.cpuUsage();
  await Promise.all(
    Array.from(
      { length: cores },
      () =>
        new Promise((resolve, reject) =>
          new Worker(code, { eval: true }).once('message', resolve).once('error', reject),
        ),
    ),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / (performance.now() - start);
}

const root = await imageFolder();
const coresBefore = await availableCores(availableParallelism());
const configs = workerCounts.flatMap((numWorkers) =>
  (numWorkers === 0 ? ['inline'] : ['thread', 'process']).map((runtime) => ({ numWorkers, runtime })),
);
const epochsOf = configs.map(() => []);
// The PyTorch peer runs inside each round, right after ours, so that both sample the same stretches of a
// machine whose speed drifts; each reports its best round.
const torchRounds = [];
let torchUnavailable = args['skip-torch']
  ? { status: 'skipped', reason: '--skip-torch' }
  : (() => {
      const missing = torchMissingReason(args.python);
      return missing ? { status: 'skipped', reason: missing } : null;
    })();
for (let round = 0; round < rounds; round++) {
  for (const [i, { numWorkers, runtime }] of configs.entries()) {
    const r = await measureLoader(root, numWorkers, runtime === 'inline' ? 'thread' : runtime);
    epochsOf[i].push(r.samplesPerSecond);
    process.stderr.write(
      `  round ${round + 1}: loader ${runtime} ×${numWorkers}: ${r.samplesPerSecond.toFixed(1)} samples/s\n`,
    );
  }
  if (!torchUnavailable) {
    const t = await measureTorchRound();
    if (t.status === 'measured') {
      torchRounds.push(t.results);
      for (const r of t.results) {
        process.stderr.write(
          `  round ${round + 1}: PyTorch DataLoader ×${r.numWorkers}: ${r.samplesPerSecond.toFixed(1)} samples/s\n`,
        );
      }
    } else torchUnavailable = t;
  }
}
const results = configs.map(({ numWorkers, runtime }, i) => ({
  pipeline: '@rocm-patch/loader',
  runtime,
  numWorkers,
  samples: imageCount,
  samplesPerSecond: Math.max(...epochsOf[i]),
  rounds: epochsOf[i],
}));
const tfjsResult = args['skip-tfjs'] ? null : await measureTfjs(root);
if (tfjsResult) results.push({ pipeline: 'tfjs-data', runtime: 'main thread', numWorkers: 0, ...tfjsResult });

/** One round of the PyTorch peer: { status: 'measured', results } or { status: 'failed', reason }. */
async function measureTorchRound() {
  process.stderr.write(`  PyTorch peer: ${args.python} ${args['torch-script']} …\n`);
  try {
    const torchResults = await runTorchPeer({
      python: args.python,
      script: args['torch-script'],
      root,
      workerCounts,
    });
    return { status: 'measured', results: torchResults };
  } catch (error) {
    return { status: 'failed', reason: error.message };
  }
}
/** The peer over all rounds: each worker count's best round, and every round's figure. */
const torch = torchUnavailable ?? {
  status: 'measured',
  results: workerCounts.map((numWorkers) => {
    const perRound = torchRounds.map(
      (round) => round.find((r) => r.numWorkers === numWorkers).samplesPerSecond,
    );
    return { numWorkers, samplesPerSecond: Math.max(...perRound), rounds: perRound };
  }),
};
const torchPipeline = 'torch DataLoader (PIL)';
if (torch.status === 'measured') {
  for (const r of torch.results) {
    results.push({
      pipeline: torchPipeline,
      runtime: r.numWorkers === 0 ? 'inline' : 'process',
      samples: imageCount,
      ...r,
    });
  }
}

// Each pipeline against its own numWorkers 0 (tfjs-data, which has none, against the loader's).
const loaderBaseline = results.find((r) => r.pipeline === '@rocm-patch/loader' && r.numWorkers === 0);
for (const r of results) {
  const own = results.find((b) => b.pipeline === r.pipeline && b.numWorkers === 0);
  const base = r.pipeline === 'tfjs-data' ? loaderBaseline : own;
  r.vsNumWorkers0 = base ? r.samplesPerSecond / base.samplesPerSecond : null;
}
const baseline = loaderBaseline;

const cores = availableParallelism();
const coresAfter = await availableCores(cores);
const rows = results.map((r) => [
  r.pipeline,
  r.runtime,
  String(r.numWorkers),
  r.samplesPerSecond.toFixed(1),
  r.vsNumWorkers0 === null ? '–' : `${r.vsNumWorkers0.toFixed(2)}×`,
]);
const header = ['pipeline', 'runtime', 'workers', 'samples/s', 'vs numWorkers 0'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
console.log(
  `\n${imageCount} JPEGs ${SIDE}×${SIDE} → ${OUT}×${OUT} CHW float32, batch ${batchSize}; ${cores} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; sharp.concurrency(1), sharp.cache(${sharpCache})`,
);
console.log(`loader: best of ${rounds} epochs per configuration; tfjs-data: 1 epoch; load average ${load}`);
console.log(
  `cores this process got from ${cores} spinning threads: ${coresBefore.toFixed(2)} before the run, ${coresAfter.toFixed(2)} after\n`,
);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));

const best = (workers) =>
  Math.max(
    ...results
      .filter((r) => r.pipeline === '@rocm-patch/loader' && r.numWorkers === workers)
      .map((r) => r.samplesPerSecond),
  );
/** Ours (process workers; inline for 0) over PyTorch's, per worker count. */
const oursFor = (n) =>
  results.find(
    (r) =>
      r.pipeline === '@rocm-patch/loader' &&
      r.numWorkers === n &&
      r.runtime === (n === 0 ? 'inline' : 'process'),
  )?.samplesPerSecond ?? null;
if (torch.status === 'measured') torch.comparison = compareWithTorch(torch.results, oursFor);
const ratios = {};
for (const n of workerCounts.filter((n) => n > 0))
  ratios[`workers${n}/workers0`] = baseline ? best(n) / baseline.samplesPerSecond : null;
const bestLoader = Math.max(
  ...results.filter((r) => r.pipeline === '@rocm-patch/loader').map((r) => r.samplesPerSecond),
);
if (tfjsResult) ratios['bestLoader/tfjsData'] = bestLoader / tfjsResult.samplesPerSecond;
if (torch.comparison) {
  for (const c of torch.comparison) ratios[`ours/torch@${c.numWorkers}`] = c.ratio;
}
const target =
  cores >= 16
    ? { rule: '8 workers ≥ 7.5× numWorkers 0', ratio: ratios['workers8/workers0'] ?? null, need: 7.5 }
    : cores >= 2
      ? { rule: '2 workers ≥ 1.7× numWorkers 0', ratio: ratios['workers2/workers0'] ?? null, need: 1.7 }
      : { rule: 'none on 1 core', ratio: null, need: null };
target.met = target.ratio === null || target.need === null ? null : target.ratio >= target.need;
console.log(
  '\nratios:',
  Object.entries(ratios)
    .map(([k, v]) => `${k} ${v?.toFixed(2)}×`)
    .join(', '),
);
console.log(
  `target (${target.rule}): ${target.met === null ? 'not measured' : target.met ? 'met' : 'NOT met'}`,
);
if (torch.comparison) {
  const cells = [['workers', 'ours (process)', 'PyTorch', 'ours / PyTorch']];
  for (const c of torch.comparison) {
    cells.push([
      String(c.numWorkers),
      c.ours === null ? '–' : c.ours.toFixed(1),
      c.torch.toFixed(1),
      c.ratio === null ? '–' : `${c.ratio.toFixed(2)}×`,
    ]);
  }
  const w = cells[0].map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const fmt = (row) => `| ${row.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  console.log(`\nagainst PyTorch's DataLoader (${args['torch-script']}), samples/s:`);
  console.log(fmt(cells[0]));
  console.log(fmt(w.map((n) => '-'.repeat(n))));
  for (const row of cells.slice(1)) console.log(fmt(row));
  const behind = torch.comparison.filter((c) => c.ratio !== null && c.ratio < 1).map((c) => c.numWorkers);
  console.log(
    `target (ours ≥ PyTorch at every worker count): ${behind.length === 0 ? 'met' : `NOT met at ${behind.join(', ')} workers`}`,
  );
} else {
  console.log(`PyTorch peer ${torch.status}: ${torch.reason}`);
  // A peer that was there but failed is an error of the run; one that is absent is not.
  if (torch.status === 'failed') process.exitCode = 1;
}
if (Math.min(coresBefore, coresAfter) < 0.9 * cores) {
  console.log(
    `note: other work held the CPU: ${cores} spinning threads got only ${Math.min(coresBefore, coresAfter).toFixed(2)} cores, so no configuration could scale past that; rerun on an idle machine to judge the target`,
  );
}
console.log(
  `\n${JSON.stringify({ benchmark: '@rocm-patch/loader imagefolder', images: imageCount, batchSize, size: OUT, cores, node: process.version, rounds, sharpCache, loadavg: loadavg(), availableCores: { before: coresBefore, after: coresAfter }, results, ratios, target, torch: { status: torch.status, reason: torch.reason ?? null, script: args['torch-script'], comparison: torch.comparison ?? null } })}`,
);
