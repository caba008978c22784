// CPU benchmark: our addon vs @tensorflow/tfjs-backend-cpu, @tensorflow/tfjs-backend-wasm and (forward only:
// ONNX Runtime has no conv backward) onnxruntime-node on CPU, on the suite of issue 4, forward and
// forward+backward (dx and dw), in one run.
//   npm run bench -w @rocm-patch/conv-bypass -- --device cpu [--json] [--quick] [--skip-tfjs-cpu] [--repeats N]
// The full run takes ~25 minutes on 2 cores, nearly all of it tfjs-backend-cpu's forward+backward
// (minutes per big shape); --quick measures that only on shapes up to 0.1 GFLOP.
// Times are medians of repeated runs (wall clock, inputs prepared beforehand, results read back for
// TF.js and ONNX Runtime); ours, tfjs-backend-wasm and onnxruntime-node run alternately so all see the same
// load on a shared machine. tfjs-backend-cpu is plain JavaScript and takes seconds per big shape, so it runs
// once (after no warm-up) on shapes above 0.1 GFLOP and 3 times (after one warm-up) below.
// ONNX Runtime runs a one-node Conv model per shape (bench/onnx-conv-model.mjs) with as many intra-op
// threads as there are CPUs (ours also uses all cores); its output is checked against ours before timing.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import ort from 'onnxruntime-node';
import { conv2d, conv2dBackwardData, conv2dBackwardFilter, cpuInfo, resolveParams } from '../dist/index.mjs';
import { convModel } from './onnx-conv-model.mjs';

const { values: opts } = parseArgs({
  options: {
    device: { type: 'string', default: 'cpu' },
    json: { type: 'boolean', default: false },
    'skip-tfjs-cpu': { type: 'boolean', default: false },
    repeats: { type: 'string', default: '7' },
    quick: { type: 'boolean', default: false },
  },
});
const REPEATS = Number(opts.repeats);
// Progress on stderr (stdout carries the table or the JSON).
const progress = (what) => process.stderr.write(`bench: ${what}\n`);

// (N, C, H, W, K, R, S, stride, pad, groups)
const SUITE = [
  [1, 3, 64, 64, 64, 3, 3, 1, 1, 1],
  [1, 3, 224, 224, 64, 3, 3, 1, 1, 1],
  [8, 3, 224, 224, 64, 7, 7, 2, 3, 1],
  [8, 64, 56, 56, 64, 3, 3, 1, 1, 1],
  [8, 64, 56, 56, 256, 1, 1, 1, 0, 1],
  [8, 128, 28, 28, 128, 3, 3, 1, 1, 1],
  [8, 256, 14, 14, 256, 3, 3, 1, 1, 1],
  [8, 512, 7, 7, 512, 3, 3, 1, 1, 1],
  [4, 3, 640, 640, 16, 3, 3, 2, 1, 1],
  [4, 16, 320, 320, 32, 3, 3, 2, 1, 1],
  [4, 32, 80, 80, 32, 3, 3, 1, 1, 1],
  [4, 64, 40, 40, 64, 3, 3, 1, 1, 1],
  [8, 32, 56, 56, 32, 3, 3, 1, 1, 32],
];

function random(n, seed) {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time of fn in ms over `repeats` runs after `warmup` runs. */
function time(fn, warmup, repeats) {
  for (let i = 0; i < warmup; i++) fn();
  const ts = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), runs: repeats };
}

function oursRunner(shape) {
  const [n, c, h, w, k, r, s, stride, pad, groups] = shape;
  const x = { data: random(n * c * h * w, 1), shape: [n, c, h, w] };
  const wt = { data: random((k * c * r * s) / groups, 2), shape: [k, c / groups, r, s] };
  const o = { stride, padding: pad, groups, device: 'cpu' };
  const p = resolveParams(x.shape, wt.shape, o, 'bench');
  const yShape = [p.n, p.k, p.p, p.q];
  const y = { data: new Float32Array(yShape.reduce((a, b) => a * b)), shape: yShape };
  const dy = { data: random(y.data.length, 3), shape: yShape };
  const dx = { data: new Float32Array(x.data.length), shape: x.shape };
  const dw = { data: new Float32Array(wt.data.length), shape: wt.shape };
  const flops = 2 * p.n * p.k * p.p * p.q * (c / groups) * r * s;
  return {
    flops,
    x,
    wt,
    y,
    forward: () => conv2d(x, wt, { ...o, out: y }),
    forwardBackward: () => {
      conv2d(x, wt, { ...o, out: y });
      conv2dBackwardData(dy, wt, { ...o, inputShape: x.shape, out: dx });
      conv2dBackwardFilter(x, dy, { ...o, filterShape: wt.shape, out: dw });
    },
  };
}

/** TF.js in its own layouts (NHWC, HWIO / depthwise H×W×C×1): no transposes in the timed part. */
function tfRunner(shape) {
  const [n, c, h, w, k, r, s, stride, pad, groups] = shape;
  const depthwise = groups > 1;
  const x = tf.tensor4d(random(n * c * h * w, 1), [n, h, w, c]);
  const wt = depthwise
    ? tf.tensor4d(random(r * s * c * (k / c), 2), [r, s, c, k / c])
    : tf.tensor4d(random(r * s * c * k, 2), [r, s, c, k]);
  const padding = [
    [0, 0],
    [pad, pad],
    [pad, pad],
    [0, 0],
  ];
  const conv = (a, b) =>
    depthwise ? tf.depthwiseConv2d(a, b, stride, padding) : tf.conv2d(a, b, stride, padding);
  const yShape = tf.tidy(() => conv(x, wt).shape);
  const dy = tf.tensor4d(
    random(
      yShape.reduce((a, b) => a * b),
      3,
    ),
    yShape,
  );
  const grads = tf.grads(conv);
  return {
    forward: () => {
      const y = conv(x, wt);
      y.dataSync();
      y.dispose();
    },
    forwardBackward: () => {
      const [dx, dw] = grads([x, wt], dy);
      dx.dataSync();
      dw.dataSync();
      dx.dispose();
      dw.dispose();
    },
    dispose: () => tf.dispose([x, wt, dy]),
  };
}

const ORT_THREADS = cpus().length;

/**
 * onnxruntime-node on its CPU execution provider, fed ours' inputs. Its output is compared with ours
 * (max |difference| within 1e-3 of ours' max magnitude) before it is timed: a wrong model fails here.
 */
async function ortRunner(shape, mine) {
  const [n, c, h, w, k, r, s, stride, pad, groups] = shape;
  const session = await ort.InferenceSession.create(
    convModel({ n, c, h, w, k, r, s, stride, pad, groups, weights: mine.wt.data }),
    {
      executionProviders: ['cpu'],
      intraOpNumThreads: ORT_THREADS,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // ORT's pool threads otherwise spin-wait after each run, taking the cores from ours and wasm,
      // which run between its runs (ours' pool sleeps while idle).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    },
  );
  const feeds = { X: new ort.Tensor('float32', mine.x.data, mine.x.shape) };
  const forward = async () => {
    const { Y } = await session.run(feeds);
    Y.dispose?.();
  };
  mine.forward();
  const { Y } = await session.run(feeds);
  const want = mine.y.data;
  if (Y.data.length !== want.length) {
    throw new Error(
      `onnxruntime-node: ${fmtShape(shape)}: output has ${Y.data.length} values, ours ${want.length}`,
    );
  }
  let maxAbs = 0;
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(want[i]));
    maxDiff = Math.max(maxDiff, Math.abs(want[i] - Y.data[i]));
  }
  if (!(maxDiff <= 1e-3 * maxAbs)) {
    throw new Error(
      `onnxruntime-node: ${fmtShape(shape)}: output differs from ours by ${maxDiff} (max |y| ${maxAbs}); not timing it`,
    );
  }
  return { forward, maxRelDiff: maxDiff / maxAbs, dispose: () => session.release() };
}

const fmtShape = (s) => `${s.slice(0, 7).join('×')} s${s[7]} p${s[8]}${s[9] > 1 ? ` g${s[9]}` : ''}`;

const results = [];
const log = (line) => {
  if (!opts.json) console.log(line);
};

const info = cpuInfo();
log(
  `conv2d CPU benchmark — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} CPUs; ours: ${info.isa}, ` +
    `${info.threads} threads; Node ${process.version}`,
);

const unsupported = new Set();

/** Whether fn runs on this backend (tfjs-backend-wasm lacks the backprop-filter kernels). */
function supported(fn, backend) {
  try {
    fn();
    return true;
  } catch (error) {
    if (!/not registered/.test(String(error))) throw error;
    unsupported.add(`${backend}: ${String(error.message ?? error)}`);
    return false;
  }
}

/**
 * Ours and the peers, run alternately (ours, wasm, ORT, ours, wasm, ORT, ...) after one warm-up each, so
 * all see the same load on a shared machine; the median of each (undefined where fn is undefined).
 * A function may return a promise (onnxruntime-node's run is async); it is awaited inside its timing.
 */
async function timeAlternating(fns, repeats) {
  const present = fns.filter((fn) => fn !== undefined);
  for (const fn of present) await fn();
  const ts = fns.map(() => []);
  for (let i = 0; i < repeats; i++) {
    for (const [j, fn] of fns.entries()) {
      if (!fn) continue;
      const t0 = performance.now();
      const done = fn();
      if (done instanceof Promise) await done;
      ts[j].push(performance.now() - t0);
    }
  }
  return fns.map((fn, j) => (fn ? { ms: median(ts[j]), runs: repeats } : undefined));
}

await tf.setBackend('wasm');
await tf.ready();
const ours = [];
const wasm = [];
const onnx = [];
for (const [i, shape] of SUITE.entries()) {
  progress(`ours, tfjs-wasm and onnxruntime-node ${i + 1}/${SUITE.length}`);
  const mine = oursRunner(shape);
  const theirs = tfRunner(shape);
  const ortRun = await ortRunner(shape, mine);
  const [oursFwd, wasmFwd, ortFwd] = await timeAlternating(
    [mine.forward, theirs.forward, ortRun.forward],
    REPEATS,
  );
  ortRun.dispose();
  const wasmHasBackward = supported(theirs.forwardBackward, 'wasm');
  const [oursFb, wasmFb] = await timeAlternating(
    [mine.forwardBackward, wasmHasBackward ? theirs.forwardBackward : undefined],
    REPEATS,
  );
  theirs.dispose();
  ours.push({ flops: mine.flops, forward: oursFwd, forwardBackward: oursFb });
  wasm.push({ forward: wasmFwd, forwardBackward: wasmFb });
  // ONNX Runtime has no conv backward (it runs inference graphs): no forward+backward figure.
  onnx.push({ forward: ortFwd, forwardBackward: undefined, maxRelDiff: ortRun.maxRelDiff });
}

/** tfjs-backend-cpu alone (it is 50-2000× slower; alternating would not change its ratios). */
async function measureTfCpu() {
  await tf.setBackend('cpu');
  await tf.ready();
  return SUITE.map((shape, i) => {
    const run = tfRunner(shape);
    const heavy = ours[i].flops > 1e8;
    const warmup = heavy ? 0 : 1;
    const repeats = heavy ? 1 : 3;
    progress(`tfjs-cpu ${i + 1}/${SUITE.length}`);
    const out = { forward: time(run.forward, warmup, repeats), forwardBackward: undefined };
    if (!(heavy && opts.quick)) out.forwardBackward = time(run.forwardBackward, warmup, repeats);
    run.dispose();
    return out;
  });
}

const wasmThreads = tfWasm.getThreadsCount();
const tfCpu = opts['skip-tfjs-cpu'] ? undefined : await measureTfCpu();

for (const mode of ['forward', 'forwardBackward']) {
  const flopScale = mode === 'forward' ? 1 : 3;
  for (let i = 0; i < SUITE.length; i++) {
    const o = ours[i][mode];
    const f = ours[i].flops * flopScale;
    const entry = (t) => t && { ms: t.ms, gflops: f / t.ms / 1e6, runs: t.runs };
    const wasmT = wasm[i][mode];
    const ratio = (t) => (t ? t.ms / o.ms : undefined);
    const cpuT = tfCpu?.[i][mode];
    const ortT = onnx[i][mode];
    results.push({
      shape: SUITE[i],
      mode,
      gflop: f / 1e9,
      ours: entry(o),
      tfjsWasm: entry(wasmT),
      tfjsCpu: entry(cpuT),
      onnxruntime: entry(ortT),
      speedupVsWasm: ratio(wasmT),
      speedupVsCpu: ratio(cpuT),
      speedupVsOrt: ratio(ortT),
      ...(mode === 'forward' ? { ortMaxRelDiff: onnx[i].maxRelDiff } : {}),
    });
  }
}

const geomean = (values) => {
  const xs = values.filter((x) => x !== undefined);
  return xs.length ? Math.exp(xs.reduce((a, b) => a + Math.log(b), 0) / xs.length) : undefined;
};
const summary = {};
for (const mode of ['forward', 'forwardBackward']) {
  const rows = results.filter((r) => r.mode === mode);
  summary[mode] = {
    geomeanSpeedupVsWasm: geomean(rows.map((r) => r.speedupVsWasm)),
    minSpeedupVsWasm: rows.some((r) => r.speedupVsWasm)
      ? Math.min(...rows.map((r) => r.speedupVsWasm ?? Infinity))
      : undefined,
    geomeanSpeedupVsCpu: geomean(rows.map((r) => r.speedupVsCpu)),
    geomeanSpeedupVsOrt: geomean(rows.map((r) => r.speedupVsOrt)),
    minSpeedupVsOrt: rows.some((r) => r.speedupVsOrt)
      ? Math.min(...rows.map((r) => r.speedupVsOrt ?? Infinity))
      : undefined,
  };
}

if (opts.json) {
  console.log(
    JSON.stringify(
      {
        cpu: cpus()[0]?.model,
        cpus: cpus().length,
        node: process.version,
        ours: info,
        tfjsWasmThreads: wasmThreads,
        onnxruntime: {
          version: ort.env.versions.node,
          executionProvider: 'cpu',
          intraOpNumThreads: ORT_THREADS,
          graphOptimizationLevel: 'all',
          backward: 'none (ONNX Runtime has no conv backward)',
        },
        tfjsCpuRuns: `one run (no warm-up) above 0.1 GFLOP, else median of 3${opts.quick ? '; forward+backward only up to 0.1 GFLOP (--quick)' : ''}`,
        unsupported: [...unsupported],
        results,
        summary,
      },
      null,
      2,
    ),
  );
} else {
  const f = (x, d = 1) => (x === undefined ? '—' : x.toFixed(d));
  for (const mode of ['forward', 'forwardBackward']) {
    console.log(
      `\n${mode === 'forward' ? 'forward' : 'forward + backward (dx, dw)'}  (ms, median; × = peer time / our time)`,
    );
    console.log(
      '| shape (N×C×H×W×K×R×S) | GFLOP | ours ms | ours GFLOP/s | wasm ms | tfjs-cpu ms | ORT ms | ORT GFLOP/s | ' +
        '× wasm | × tfjs-cpu | × ORT |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of results.filter((x) => x.mode === mode)) {
      console.log(
        `| ${fmtShape(r.shape)} | ${f(r.gflop, 3)} | ${f(r.ours.ms, 2)} | ${f(r.ours.gflops)} | ${f(r.tfjsWasm?.ms, 2)} | ` +
          `${f(r.tfjsCpu?.ms, 0)} | ${f(r.onnxruntime?.ms, 2)} | ${f(r.onnxruntime?.gflops)} | ` +
          `${f(r.speedupVsWasm, 2)} | ${f(r.speedupVsCpu)} | ${f(r.speedupVsOrt, 2)} |`,
      );
    }
    const sm = summary[mode];
    console.log(
      `geomean × wasm: ${f(sm.geomeanSpeedupVsWasm, 2)} (lowest ${f(sm.minSpeedupVsWasm, 2)}); ` +
        `geomean × tfjs-cpu: ${f(sm.geomeanSpeedupVsCpu)}; ` +
        `geomean × ORT: ${f(sm.geomeanSpeedupVsOrt, 2)} (lowest ${f(sm.minSpeedupVsOrt, 2)})`,
    );
  }
  console.log(
    `\ntfjs-backend-wasm: SIMD, ${wasmThreads} thread(s). tfjs-backend-cpu: one run (no warm-up) on shapes above ` +
      `0.1 GFLOP, median of 3 below${opts.quick ? '; its forward+backward only up to 0.1 GFLOP (--quick)' : ''}.`,
  );
  console.log(
    `onnxruntime-node ${ort.env.versions.node}: CPU execution provider, ${ORT_THREADS} intra-op threads, ` +
      `graph optimization 'all'; forward only (— in forward+backward: ONNX Runtime has no conv backward).`,
  );
  for (const u of unsupported) console.log(`unsupported (— in the table): ${u}`);
}
