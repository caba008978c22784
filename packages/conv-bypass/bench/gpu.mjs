// GPU benchmark: our HIP/CUDA kernels (implicit GEMM and unfold+GEMM) vs cuDNN (fp32, TF32 off) and
// PyTorch's unfold+matmul (the original method), on the suite of issue 5, in one run on one GPU.
//   npm run bench -w @rocm-patch/conv-bypass -- --device gpu [--json] [--torch-ref PATH] [--iters N]
// The peers are measured by torch_conv_ref.py (PyTorch + cuDNN, CUDA events, median of 20) in a child
// process on the same inputs; ours by the addon's gpuTimeConv (device events around each call, median
// of N after warm-up — the same method). Every shape is first checked against PyTorch's outputs
// (relative error ≤ 1e-4 on y, dx and dw). Peak extra memory: the device workspace each of our calls
// needed beyond its inputs and outputs; for PyTorch, its allocator's peak over the inputs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gpu, loadAddon, resolveParams } from '../dist/index.mjs';

const { values: opts } = parseArgs({
  options: {
    device: { type: 'string', default: 'gpu' },
    json: { type: 'boolean', default: false },
    'torch-ref': { type: 'string' },
    python: { type: 'string', default: 'python3' },
    iters: { type: 'string', default: '20' },
  },
});
const ITERS = Number(opts.iters);

// (N, C, H, W, K, R, S, stride, pad)
const SUITE = [
  [1, 3, 64, 64, 64, 3, 3, 1, 1],
  [1, 3, 128, 128, 64, 3, 3, 1, 1],
  [1, 3, 224, 224, 64, 3, 3, 1, 1],
  [32, 3, 224, 224, 64, 7, 7, 2, 3],
  [32, 64, 56, 56, 64, 3, 3, 1, 1],
  [32, 64, 56, 56, 256, 1, 1, 1, 0],
  [32, 128, 28, 28, 128, 3, 3, 1, 1],
  [32, 256, 14, 14, 256, 3, 3, 1, 1],
  [32, 512, 7, 7, 512, 3, 3, 1, 1],
  [16, 3, 640, 640, 16, 3, 3, 2, 1],
  [16, 16, 320, 320, 32, 3, 3, 2, 1],
  [16, 32, 160, 160, 32, 3, 3, 1, 1],
  [16, 64, 80, 80, 64, 3, 3, 1, 1],
  [16, 128, 40, 40, 256, 3, 3, 2, 1],
];

function fail(message) {
  console.error(`bench (gpu): ${message}`);
  process.exit(2);
}

function findTorchRef() {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    opts['torch-ref'],
    process.env.ROCM_PATCH_TORCH_REF,
    resolve(here, '../../../../shared/device/torch_conv_ref.py'),
    resolve(here, '../../../.device/torch_conv_ref.py'),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) fail(`torch_conv_ref.py not found (tried ${candidates.join(', ')}); pass --torch-ref PATH`);
  return found;
}

// xorshift32 → N(0,1)-ish floats (sum of uniforms), deterministic per seed
function random(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < 3; j++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      acc += (s >>> 0) / 2 ** 32;
    }
    out[i] = (acc - 1.5) * 2;
  }
  return out;
}

function relL2(a, b) {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    const d = a[i] - b[i];
    num += d * d;
    den += b[i] * b[i];
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

const readF32 = (path) => {
  const buf = readFileSync(path);
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
};
const geomean = (v) => Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length);
const name = (s) => `${s.slice(0, 4).join('x')}->${s[4]}k${s[5]}s${s[7]}`;

if (!gpu.isAvailable()) fail(`no usable GPU: ${gpu.unavailableReason()}`);
const info = gpu.info();
const native = loadAddon();
const torchRef = findTorchRef();
const work = mkdtempSync(join(tmpdir(), 'rocm-patch-gpu-bench-'));

try {
  // 1. inputs, and PyTorch's references and timings on them
  const cases = [];
  const shapes = SUITE.map((s, i) => {
    const [N, C, H, W, K, R, S, st, pd] = s;
    const p = resolveParams([N, C, H, W], [K, C, R, S], { stride: st, padding: pd }, 'bench');
    const dir = join(work, `c${i}`);
    mkdirSync(dir);
    const x = random(N * C * H * W, 3 * i + 1);
    const w = random(K * C * R * S, 3 * i + 2).map((v) => v / Math.sqrt(C * R * S));
    const dy = random(N * K * p.p * p.q, 3 * i + 3);
    for (const [f, a] of [
      ['x', x],
      ['w', w],
      ['dy', dy],
    ])
      writeFileSync(join(dir, `${f}.f32`), new Uint8Array(a.buffer));
    cases.push({
      name: name(s),
      N,
      C,
      H,
      W,
      K,
      R,
      S,
      stride: [st, st],
      pad: [pd, pd],
      x: join(dir, 'x.f32'),
      w: join(dir, 'w.f32'),
      dy: join(dir, 'dy.f32'),
      out_dir: dir,
      time: true,
    });
    return { s, p, x, w, dy, dir };
  });
  writeFileSync(join(work, 'spec.json'), JSON.stringify({ cases, tf32: false }));
  let ref;
  try {
    ref = JSON.parse(
      execFileSync(opts.python, [torchRef, join(work, 'spec.json')], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
  } catch (error) {
    fail(`${torchRef} failed (PyTorch with CUDA is needed for the peers): ${error.message}`);
  }

  // 2. ours: check against PyTorch, then time
  const rows = [];
  let allOk = true;
  for (const [i, c] of shapes.entries()) {
    const r = ref.cases[i];
    const { p } = c;
    const y = new Float32Array(p.n * p.k * p.p * p.q);
    const dx = new Float32Array(c.x.length);
    const dw = new Float32Array(c.w.length);
    const extra = {
      fwd: native.gpuConv2dForward(p, c.x, c.w, null, y, false, 0),
      unfold: 0,
      dx: native.gpuConv2dBackwardData(p, c.dy, c.w, dx),
      dw: native.gpuConv2dBackwardFilter(p, c.x, c.dy, dw),
    };
    const err = {
      fwd: relL2(y, readF32(join(c.dir, 'y.f32'))),
      dx: relL2(dx, readF32(join(c.dir, 'dx.f32'))),
      dw: relL2(dw, readF32(join(c.dir, 'dw.f32'))),
    };
    const yU = new Float32Array(y.length);
    extra.unfold = native.gpuConv2dForward(p, c.x, c.w, null, yU, false, 1);
    err.unfold = relL2(yU, readF32(join(c.dir, 'y.f32')));
    const ok = Object.values(err).every((e) => e <= 1e-4);
    allOk &&= ok;

    const X = gpu.upload({ data: c.x, shape: [p.n, p.c, p.h, p.w] });
    const Wt = gpu.upload({ data: c.w, shape: [p.k, p.c, p.r, p.s] });
    const DY = gpu.upload({ data: c.dy, shape: [p.n, p.k, p.p, p.q] });
    const Y = gpu.empty([p.n, p.k, p.p, p.q]);
    const DX = gpu.empty([p.n, p.c, p.h, p.w]);
    const DW = gpu.empty([p.k, p.c, p.r, p.s]);
    const h = (t) => t.handle('bench');
    const ms = {
      fwd: native.gpuTimeConv(0, 0, p, h(X), h(Wt), h(Y), ITERS),
      unfold: native.gpuTimeConv(0, 1, p, h(X), h(Wt), h(Y), ITERS),
      dx: native.gpuTimeConv(1, 0, p, h(DY), h(Wt), h(DX), ITERS),
      dw: native.gpuTimeConv(2, 0, p, h(DY), h(X), h(DW), ITERS),
    };
    for (const t of [X, Wt, DY, Y, DX, DW]) t.dispose();
    gpu.releaseWorkspace();
    const fwdbwd = ms.fwd + ms.dx + ms.dw;
    rows.push({
      shape: c.s,
      name: name(c.s),
      ok,
      relError: err,
      ms: {
        oursImplicitGemm: ms.fwd,
        oursUnfoldGemm: ms.unfold,
        oursBackwardData: ms.dx,
        oursBackwardFilter: ms.dw,
        oursFwdBwd: fwdbwd,
        cudnn: r.cudnn_fwd_ms,
        cudnnFwdBwd: r.cudnn_fwdbwd_ms,
        torchUnfoldMatmul: r.unfold_fwd_ms,
      },
      ratio: {
        oursOverCudnn: ms.fwd / r.cudnn_fwd_ms,
        torchUnfoldOverOurs: r.unfold_fwd_ms / ms.fwd,
        oursUnfoldOverOurs: ms.unfold / ms.fwd,
        fwdBwdOursOverCudnn: fwdbwd / r.cudnn_fwdbwd_ms,
      },
      extraMB: {
        oursImplicitGemm: extra.fwd / 2 ** 20,
        oursUnfoldGemm: extra.unfold / 2 ** 20,
        oursBackwardData: extra.dx / 2 ** 20,
        oursBackwardFilter: extra.dw / 2 ** 20,
        cudnn: r.cudnn_peak_extra_mb,
        torchUnfoldMatmul: r.unfold_peak_extra_mb,
      },
    });
  }

  const summary = {
    fwdOursOverCudnnGeomean: geomean(rows.map((r) => r.ratio.oursOverCudnn)),
    torchUnfoldOverOursGeomean: geomean(rows.map((r) => r.ratio.torchUnfoldOverOurs)),
    torchUnfoldOverOursMin: Math.min(...rows.map((r) => r.ratio.torchUnfoldOverOurs)),
    fwdBwdOursOverCudnnGeomean: geomean(rows.map((r) => r.ratio.fwdBwdOursOverCudnn)),
    implicitGemmExtraMBMax: Math.max(...rows.map((r) => r.extraMB.oursImplicitGemm)),
    allCorrect: allOk,
  };
  const result = {
    date: new Date().toISOString(),
    device: { ...info, torchDevice: ref.device, torch: ref.torch, cudnn: ref.cudnn, tf32: ref.tf32 },
    iters: ITERS,
    rows,
    summary,
  };
  if (opts.json) {
    console.log(JSON.stringify(result, null, 1));
  } else {
    const f = (v, d = 3) => v.toFixed(d).padStart(8);
    console.log(
      `${info.name} (${info.arch}, ${info.backend}), cuDNN ${ref.cudnn}, torch ${ref.torch}, TF32 off`,
    );
    console.log(
      'shape                      ok   ours-ig ours-unf    cudnn  pt-unf  ig/cdn pt/ig  ours-fb  cdn-fb  fb/cdn  xMB-ig',
    );
    for (const r of rows) {
      const m = r.ms;
      console.log(
        `${r.name.padEnd(26)} ${r.ok ? 'y' : 'N'} ${f(m.oursImplicitGemm)} ${f(m.oursUnfoldGemm)} ${f(m.cudnn)} ${f(m.torchUnfoldMatmul)} ${f(r.ratio.oursOverCudnn, 2)} ${f(r.ratio.torchUnfoldOverOurs, 2)} ${f(m.oursFwdBwd)} ${f(m.cudnnFwdBwd)} ${f(r.ratio.fwdBwdOursOverCudnn, 2)} ${f(r.extraMB.oursImplicitGemm, 1)}`,
      );
    }
    console.log(JSON.stringify(summary));
  }
  if (!allOk) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
