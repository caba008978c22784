#!/usr/bin/env node
// What holding an async call's arrays costs (README, "What an async call holds"): conv2dAsync on the CPU
// with ArrayBuffer operands (inputs copied when the call starts; a given `out` written when it ends) and
// with SharedArrayBuffer operands (used in place), timed alternately, medians of --repeats (default 21).
//   node bench/async-hold.mjs [--repeats N]   (after npm run build)
import { conv2dAsync, cpuInfo } from '@rocm-patch/conv-bypass';

const repeatsAt = process.argv.indexOf('--repeats');
const repeats = repeatsAt > 0 ? Number(process.argv[repeatsAt + 1]) : 21;
const shapes = [
  { x: [8, 64, 56, 56], w: [64, 64, 3, 3], opts: { padding: 1 } },
  { x: [8, 32, 56, 56], w: [32, 1, 3, 3], opts: { padding: 1, groups: 32 } },
  { x: [8, 64, 56, 56], w: [256, 64, 1, 1], opts: {} },
];
const size = (s) => s.reduce((a, b) => a * b, 1);
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];

function filled(n, shared) {
  const a = new Float32Array(shared ? new SharedArrayBuffer(n * 4) : new ArrayBuffer(n * 4));
  for (let i = 0; i < n; i++) a[i] = Math.sin(i);
  return a;
}

console.log(JSON.stringify(cpuInfo()));
for (const s of shapes) {
  const operands = (shared) => ({
    x: { data: filled(size(s.x), shared), shape: s.x },
    w: { data: filled(size(s.w), shared), shape: s.w },
  });
  const plain = operands(false);
  const shared = operands(true);
  const yShape = (await conv2dAsync(plain.x, plain.w, { ...s.opts, device: 'cpu' })).shape;
  const plainOut = { data: filled(size(yShape), false), shape: yShape };
  const sharedOut = { data: filled(size(yShape), true), shape: yShape };
  const variants = {
    'ArrayBuffer in, no out': () => conv2dAsync(plain.x, plain.w, { ...s.opts, device: 'cpu' }),
    'ArrayBuffer in and out': () =>
      conv2dAsync(plain.x, plain.w, { ...s.opts, device: 'cpu', out: plainOut }),
    'SharedArrayBuffer in and out': () =>
      conv2dAsync(shared.x, shared.w, { ...s.opts, device: 'cpu', out: sharedOut }),
  };
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < repeats + 3; i++) {
    for (const [name, run] of Object.entries(variants)) {
      const t0 = performance.now();
      await run();
      if (i >= 3) times[name].push(performance.now() - t0);
    }
  }
  const base = median(times['SharedArrayBuffer in and out']);
  const cells = Object.entries(times).map(
    ([name, t]) => `${name} ${median(t).toFixed(2)} ms (${(median(t) / base).toFixed(2)}×)`,
  );
  console.log(`${s.x.join('×')} w ${s.w.join('×')} ${JSON.stringify(s.opts)}: ${cells.join(', ')}`);
}
