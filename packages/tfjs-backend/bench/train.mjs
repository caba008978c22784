// Training-step benchmark of issue 14: model.trainOnBatch (median of ≥ 20 steps after warm-up) for the
// benchmark models on the 'rocm' backend and its peers, all in one run on one machine:
//   rocm         this package's backend (tensors and kernels on the GPU)
//   cpu-patched  tfjs-backend-cpu with @rocm-patch/conv-bypass's conv patch (convolutions through its router)
//   webgpu       tfjs-backend-webgpu over Dawn (the `webgpu` package's dawn.node), when it can be loaded
//   torch        PyTorch eager through torch_train_ref.py, when python3 has torch and a GPU
//   npm run bench -w @rocm-patch/tfjs-backend -- [--json] [--cases cifar:32,cifar:256,bncnn:64]
//     [--backends rocm,cpu-patched,webgpu,torch] [--steps 30] [--warmup 20] [--slow-budget-s 45]
//     [--torch-ref PATH] [--dawn PATH]
// Each TF.js backend runs in its own child process (one backend's state never slows another). A peer
// slower than 1 s per step gets as many steps as fit in --slow-budget-s (at least 3, median reported).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values: opts } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    cases: { type: 'string', default: 'cifar:32,cifar:256,bncnn:64' },
    backends: { type: 'string', default: 'rocm,cpu-patched,webgpu,torch' },
    steps: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '20' },
    'slow-budget-s': { type: 'string', default: '45' },
    'torch-ref': { type: 'string' },
    dawn: { type: 'string' },
    python: { type: 'string', default: 'python3' },
    child: { type: 'string' },
  },
  strict: true,
});

const BACKENDS = ['rocm', 'cpu-patched', 'webgpu', 'torch'];
const cases = opts.cases.split(',').map((c) => {
  const [model, b] = c.split(':');
  if (!['cifar', 'bncnn'].includes(model) || !(Number(b) > 0))
    fail(`--cases: '${c}' is not model:batch (cifar or bncnn)`);
  return { model, batch: Number(b) };
});
const steps = Number(opts.steps);
const warmup = Number(opts.warmup);
if (!(steps >= 20)) fail('--steps must be at least 20 (the median of at least 20 steps)');
if (!(warmup >= 1)) fail('--warmup must be at least 1');

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

// ---- child: one TF.js backend ---------------------------------------------------------------------------

async function child(backend) {
  // WebGPU first: tfjs-backend-webgpu registers itself only if navigator.gpu exists when it loads, and a
  // bundled TF.js loads it together with tfjs-core.
  if (backend === 'webgpu') {
    const dawn = resolve(
      opts.dawn ?? process.env.ROCM_PATCH_DAWN_NODE ?? resolve(here, '../../../node_modules/dawn.node'),
    );
    const { create, globals } = (await import('node:module')).createRequire(import.meta.url)(dawn);
    Object.assign(globalThis, globals);
    globalThis.navigator = { gpu: create([]) };
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  const tf = await import('@tensorflow/tfjs');
  const { MODELS, batch } = await import('./models.mjs');
  let report = () => undefined;
  if (backend === 'rocm') {
    const rocm = await import('@rocm-patch/tfjs-backend');
    if (!(await tf.setBackend('rocm')))
      throw new Error(`the rocm backend cannot start: ${rocm.deviceAvailability().reason}`);
    report = () => rocm.getBackendReport();
  } else if (backend === 'cpu-patched') {
    await tf.setBackend('cpu');
    const { enableMiopenBypass } = await import('@rocm-patch/conv-bypass/tfjs');
    enableMiopenBypass({ tf, backend: 'cpu' });
  } else if (backend === 'webgpu') {
    if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs-backend-webgpu did not start');
  }
  for (const { model, batch: size } of cases) {
    const m = MODELS[model](tf);
    const { x, y } = batch(tf, size);
    const losses = [];
    const step = async () => {
      const start = performance.now();
      const loss = await m.trainOnBatch(x, y);
      losses.push(Array.isArray(loss) ? loss[0] : loss);
      return performance.now() - start;
    };
    // A peer slower than 1 s per step warms up with that one step (its median is of ≥ 3 steps anyway).
    const first = await step();
    for (let i = 1; i < warmup && first <= 1000; i++) await step();
    if (backend === 'rocm') {
      // The conv router probes the vendor library's path of each new key in the background (up to 10 s);
      // an outcome can change AUTO's choice, so time the steady state after the probes and a few steps.
      const { getConvRouter } = await import('@rocm-patch/conv-bypass');
      await getConvRouter().probesSettled();
      for (let i = 0; i < 5; i++) await step();
    }
    const before = report();
    const times = [];
    const slow = first > 1000;
    const budget = Number(opts['slow-budget-s']) * 1000;
    let spent = 0;
    for (let i = 0; i < steps; i++) {
      const ms = await step();
      times.push(ms);
      spent += ms;
      if (slow && times.length >= 3 && spent > budget) break;
    }
    const after = report();
    times.sort((a, b) => a - b);
    const r = {
      backend,
      model,
      batch: size,
      medianMs: times[Math.floor(times.length / 2)],
      minMs: times[0],
      steps: times.length,
      firstLoss: losses[0],
      lastLoss: losses[losses.length - 1],
    };
    if (before && after) {
      r.hostPathCallsPerStep = (after.totalHostPath - before.totalHostPath) / times.length;
      r.nativeCallsPerStep = (after.totalNative - before.totalNative) / times.length;
      r.device = after.device;
    }
    console.log(JSON.stringify(r));
    tf.dispose([x, y]);
    m.dispose();
  }
}

// ---- parent -------------------------------------------------------------------------------------------

function runChild(backend) {
  const r = spawnSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      '--child',
      backend,
      '--cases',
      opts.cases,
      '--steps',
      opts.steps,
      '--warmup',
      opts.warmup,
      '--slow-budget-s',
      opts['slow-budget-s'],
      ...(opts.dawn ? ['--dawn', opts.dawn] : []),
    ],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('{'));
  if (r.status !== 0 || lines.length === 0) {
    const text = (r.stderr || r.stdout || '').trim();
    const why = (text.split('\n').find((l) => /Error|error:/.test(l)) ?? text.split('\n').pop() ?? '').trim();
    return { skipped: `${backend}: ${why || `exit ${r.status}`}` };
  }
  return { results: lines.map((l) => JSON.parse(l)) };
}

function runTorch() {
  const candidates = [
    opts['torch-ref'],
    process.env.ROCM_PATCH_TORCH_TRAIN_REF,
    resolve(here, '../../../.device/torch_train_ref.py'),
    resolve(here, '../../../../shared/device/torch_train_ref.py'),
  ].filter(Boolean);
  const script = candidates.find((p) => existsSync(p));
  if (!script) return { skipped: `torch: torch_train_ref.py not found (tried ${candidates.join(', ')})` };
  try {
    execFileSync(opts.python, ['-c', 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 3)'], {
      stdio: 'ignore',
    });
  } catch {
    return { skipped: 'torch: no PyTorch with a usable GPU here' };
  }
  const results = [];
  for (const { model, batch } of cases) {
    const out = execFileSync(
      opts.python,
      [script, '--model', model, '--batch', String(batch), '--steps', opts.steps],
      { encoding: 'utf8' },
    );
    const r = JSON.parse(out.trim().split('\n').pop());
    results.push({
      backend: 'torch',
      model,
      batch,
      medianMs: r.medianMs,
      minMs: r.minMs,
      steps: Number(opts.steps),
      torch: r.torch,
      device: r.device,
    });
  }
  return { results };
}

async function parent() {
  const backends = opts.backends.split(',');
  for (const b of backends)
    if (!BACKENDS.includes(b)) fail(`--backends: unknown backend '${b}' (${BACKENDS.join(', ')})`);
  const all = [];
  const skipped = [];
  for (const b of backends) {
    const r = b === 'torch' ? runTorch() : runChild(b);
    if (r.skipped) skipped.push(r.skipped);
    else all.push(...r.results);
  }
  const rows = cases.map(({ model, batch }) => {
    const of = (b) => all.find((r) => r.backend === b && r.model === model && r.batch === batch);
    const rocm = of('rocm');
    const row = {
      model,
      batch,
      results: Object.fromEntries(backends.map((b) => [b, of(b)]).filter(([, r]) => r)),
    };
    if (rocm) {
      row.ratios = {};
      for (const b of backends) {
        const p = of(b);
        if (!p || b === 'rocm') continue;
        // How many times faster rocm is than the peer (for torch: how many times slower, rocm / torch).
        if (b === 'torch') row.ratios.rocmOverTorch = rocm.medianMs / p.medianMs;
        else row.ratios[`${b}OverRocm`] = p.medianMs / rocm.medianMs;
      }
    }
    return row;
  });
  const out = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    cases: rows,
    skipped,
  };
  if (opts.json) {
    console.log(JSON.stringify(out, null, 1));
    return;
  }
  const fmt = (v) => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(2));
  console.log(`trainOnBatch, median ms (steps) — ${out.date}, ${out.cpus} × ${out.cpu}`);
  console.log(['case'.padEnd(12), ...backends.map((b) => b.padStart(16)), '  ratios'].join(''));
  for (const r of rows) {
    const cells = backends.map((b) =>
      (r.results[b] ? `${fmt(r.results[b].medianMs)} (${r.results[b].steps})` : '—').padStart(16),
    );
    const ratios = Object.entries(r.ratios ?? {})
      .map(([k, v]) => `${k} ${v.toFixed(2)}×`)
      .join(', ');
    console.log([`${r.model} b${r.batch}`.padEnd(12), ...cells, `  ${ratios}`].join(''));
  }
  const rocmHost = all
    .filter((r) => r.backend === 'rocm')
    .map((r) => `${r.model} b${r.batch}: ${r.hostPathCallsPerStep}`);
  if (rocmHost.length)
    console.log(
      `rocm host-path calls per step: ${rocmHost.join(', ')} (device: ${all.find((r) => r.backend === 'rocm')?.device})`,
    );
  for (const s of skipped) console.log(`skipped ${s}`);
}

if (opts.child) await child(opts.child);
else await parent();
