// The GPU backend. Without a GPU only the "no GPU" contract is tested here; with one (the team's H100),
// forward and both gradients are compared with the CPU backend and the float64 reference on random
// shapes, and determinism, DeviceTensors, out-of-memory recovery and leaks are checked.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dAsync, conv2dBackwardData, conv2dBackwardFilter } from '../src/conv.js';
import { selectBackend } from '../src/dispatch.js';
import { resolveParams } from '../src/geometry.js';
import { DeviceTensor, gpu } from '../src/gpu/index.js';
import type { ConvGeometryOptions, ConvParams, Tensor4 } from '../src/types.js';
import { convCase, paramsOf, type Shape4, tensor } from './cases.js';
import { refBackwardData, refBackwardFilter, refForward, relError } from './reference.js';

const hasGpu = gpu.isAvailable();
const TOL = 1e-4;

// The PyTorch/cuDNN oracle of the team's GPU machine: $ROCM_PATCH_TORCH_REF, ../shared/device/ beside
// the checkout, or the repository's .device/ copy.
function torchRef(): string {
  const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
  const candidates = [
    process.env.ROCM_PATCH_TORCH_REF,
    join(root, '..', 'shared', 'device', 'torch_conv_ref.py'),
    join(root, '.device', 'torch_conv_ref.py'),
  ].filter((p): p is string => typeof p === 'string' && p.length > 0);
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) {
    throw new Error(
      `the GPU tests compare with PyTorch/cuDNN through torch_conv_ref.py; none found (tried ${candidates.join(', ')}): ` +
        'set ROCM_PATCH_TORCH_REF to its path (python3 with torch and CUDA is needed)',
    );
  }
  return found;
}

/** x zero-padded by [top, bottom, left, right]. */
function padInput(x: Tensor4, [t, b, l, r]: [number, number, number, number]): Tensor4 {
  const [n, c, h, w] = x.shape;
  const hp = h + t + b;
  const wp = w + l + r;
  const out = new Float32Array(n * c * hp * wp);
  for (let i = 0; i < n * c; i++)
    for (let y = 0; y < h; y++)
      out.set(x.data.subarray((i * h + y) * w, (i * h + y + 1) * w), (i * hp + y + t) * wp + l);
  return { data: out, shape: [n, c, hp, wp] };
}

/** The inverse window of padInput: the gradient of the padded input, cropped to the input. */
function cropInput(
  dxp: Float32Array,
  shape: Shape4,
  [t, b, l, r]: [number, number, number, number],
): Float32Array {
  const [n, c, h, w] = shape;
  const hp = h + t + b;
  const wp = w + l + r;
  const out = new Float32Array(n * c * h * w);
  for (let i = 0; i < n * c; i++)
    for (let y = 0; y < h; y++)
      out.set(dxp.subarray((i * hp + y + t) * wp + l, (i * hp + y + t) * wp + l + w), (i * h + y) * w);
  return out;
}

describe.skipIf(hasGpu)('without a GPU', () => {
  it("device: 'gpu' is a clear error and 'auto' runs on the CPU", () => {
    const x = tensor([1, 2, 5, 5], 1);
    const w = tensor([3, 2, 3, 3], 2);
    expect(() => conv2d(x, w, { device: 'gpu' })).toThrow(/conv2d: device 'gpu' was requested but/);
    expect(selectBackend('auto', 'conv2d').name).toBe('cpu');
    const y = conv2d(x, w);
    const p = resolveParams(x.shape, w.shape, {}, 't');
    expect(relError(y.data, refForward(p, x.data, w.data))).toBeLessThan(TOL);
  });

  it('the gpu namespace reports why and refuses device tensors', () => {
    expect(gpu.isAvailable()).toBe(false);
    expect(gpu.unavailableReason()).toMatch(/\S/);
    expect(() => gpu.info()).toThrow(/gpu\.info: no usable GPU/);
    expect(() => gpu.upload(tensor([1, 1, 2, 2], 3))).toThrow(/gpu\.upload: no usable GPU/);
    expect(['hip', 'cuda', 'none']).toContain(gpu.backend());
  });

  it("a GPU build on a machine without the vendor's driver says that no driver or GPU was found", () => {
    // The runtimes answer "driver version is insufficient" when there is no driver at all (issue 15).
    const backend = gpu.backend();
    const driver = backend === 'cuda' ? '/proc/driver/nvidia/version' : '/dev/kfd';
    if (backend === 'none' || existsSync(driver)) return; // only such a machine shows the case
    expect(gpu.unavailableReason()).toMatch(/^no GPU (driver or GPU |device )?found/);
  });
});

describe.skipIf(!hasGpu)('GPU convolution', () => {
  const gpuOpts = (o: ConvGeometryOptions): ConvGeometryOptions => ({ ...o, device: 'gpu' });

  it('reports the device', () => {
    const info = gpu.info();
    expect(info.name.length).toBeGreaterThan(0);
    expect(['hip', 'cuda']).toContain(info.backend);
    expect(info.arch).toMatch(/^(sm_\d+|gfx[0-9a-f]+)$/);
    expect(info.memory).toBeGreaterThan(0);
    expect([32, 64]).toContain(info.waveSize);
    expect(selectBackend('auto', 'conv2d').name).toBe('gpu');
  });

  it('forward, backward-data and backward-filter match the CPU and the float64 reference on random shapes', () => {
    fc.assert(
      fc.property(convCase({ maxSpatial: 12 }), (c) => {
        const p = paramsOf(c);
        if (p === undefined) return;
        const x = tensor(c.xShape, c.seed);
        const w = tensor(c.wShape, c.seed + 1);
        const dy = tensor([p.n, p.k, p.p, p.q], c.seed + 2);
        const bias = tensor([1, 1, 1, p.k], c.seed + 3).data;
        const y = conv2d(x, w, { ...gpuOpts(c.opts), bias });
        expect(relError(y.data, refForward(p, x.data, w.data, bias))).toBeLessThan(TOL);
        const yCpu = conv2d(x, w, { ...c.opts, bias, device: 'cpu' });
        expect(relError(y.data, yCpu.data)).toBeLessThan(TOL);
        const dx = conv2dBackwardData(dy, w, { ...gpuOpts(c.opts), inputShape: c.xShape });
        expect(relError(dx.data, refBackwardData(p, dy.data, w.data))).toBeLessThan(TOL);
        const dxCpu = conv2dBackwardData(dy, w, { ...c.opts, inputShape: c.xShape, device: 'cpu' });
        expect(relError(dx.data, dxCpu.data)).toBeLessThan(TOL);
        const dw = conv2dBackwardFilter(x, dy, { ...gpuOpts(c.opts), filterShape: c.wShape });
        expect(relError(dw.data, refBackwardFilter(p, x.data, dy.data))).toBeLessThan(TOL);
        const dwCpu = conv2dBackwardFilter(x, dy, { ...c.opts, filterShape: c.wShape, device: 'cpu' });
        expect(relError(dw.data, dwCpu.data)).toBeLessThan(TOL);
      }),
      { numRuns: 150, seed: 5 },
    );
  });

  it('matches PyTorch/cuDNN on random shapes with stride, asymmetric padding, dilation and groups', () => {
    const script = torchRef();
    const dir = mkdtempSync(join(tmpdir(), 'rocm-patch-gpu-torch-'));
    try {
      const rng = fc.sample(
        fc.record({
          n: fc.integer({ min: 1, max: 3 }),
          groups: fc.integer({ min: 1, max: 3 }),
          cg: fc.integer({ min: 1, max: 6 }),
          kg: fc.integer({ min: 1, max: 6 }),
          h: fc.integer({ min: 8, max: 24 }),
          w: fc.integer({ min: 8, max: 24 }),
          r: fc.integer({ min: 1, max: 4 }),
          s: fc.integer({ min: 1, max: 4 }),
          stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
          pad: fc.tuple(
            fc.integer({ min: 0, max: 2 }),
            fc.integer({ min: 0, max: 2 }),
            fc.integer({ min: 0, max: 2 }),
            fc.integer({ min: 0, max: 2 }),
          ),
        }),
        { seed: 17, numRuns: 16 },
      );
      const cases = rng.map((v, i) => {
        const xShape: Shape4 = [v.n, v.cg * v.groups, v.h, v.w];
        const wShape: Shape4 = [v.kg * v.groups, v.cg, v.r, v.s];
        const opts: ConvGeometryOptions = {
          stride: v.stride,
          dilation: v.dilation,
          groups: v.groups,
          padding: v.pad,
        };
        const p = resolveParams(xShape, wShape, opts, 't');
        const x = tensor(xShape, 100 + i);
        const w = tensor(wShape, 200 + i);
        const dy = tensor([p.n, p.k, p.p, p.q], 300 + i);
        const xp = padInput(x, v.pad);
        const sub = join(dir, `c${i}`);
        const file = (name: string, t: Tensor4) => {
          writeFileSync(join(dir, `${name}${i}.f32`), new Uint8Array(t.data.buffer));
          return join(dir, `${name}${i}.f32`);
        };
        const spec = {
          name: `c${i}`,
          N: p.n,
          C: p.c,
          H: xp.shape[2],
          W: xp.shape[3],
          K: p.k,
          R: p.r,
          S: p.s,
          stride: v.stride,
          pad: [0, 0],
          dilation: v.dilation,
          groups: v.groups,
          x: file('x', xp),
          w: file('w', w),
          dy: file('dy', dy),
          out_dir: sub,
        };
        return { v, p, x, w, dy, opts, spec, sub };
      });
      writeFileSync(join(dir, 'spec.json'), JSON.stringify({ cases: cases.map((c) => c.spec), tf32: false }));
      execFileSync('python3', [script, join(dir, 'spec.json')], { stdio: ['ignore', 'ignore', 'inherit'] });
      const read = (path: string) => {
        const b = readFileSync(path);
        return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
      };
      for (const c of cases) {
        const o = { ...c.opts, device: 'gpu' as const };
        const y = conv2d(c.x, c.w, o);
        expect(relError(y.data, read(join(c.sub, 'y.f32')))).toBeLessThan(TOL);
        const dx = conv2dBackwardData(c.dy, c.w, { ...o, inputShape: c.x.shape });
        const dxT = cropInput(read(join(c.sub, 'dx.f32')), c.x.shape, c.v.pad);
        expect(relError(dx.data, dxT)).toBeLessThan(TOL);
        const dw = conv2dBackwardFilter(c.x, c.dy, { ...o, filterShape: c.w.shape });
        expect(relError(dw.data, read(join(c.sub, 'dw.f32')))).toBeLessThan(TOL);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000); // PyTorch's start-up and cuDNN's autotuning take seconds

  it('matches the CPU on layer-sized shapes (tile edges, split-K, stride phases)', () => {
    const cases: [Shape4, Shape4, ConvGeometryOptions][] = [
      [[4, 64, 28, 28], [128, 64, 3, 3], { padding: 1 }],
      [[2, 3, 67, 45], [16, 3, 7, 7], { stride: 2, padding: [3, 2, 1, 3] }],
      [[2, 32, 20, 20], [64, 8, 3, 3], { groups: 4, dilation: 2, padding: 'same' }],
      [[2, 512, 7, 7], [512, 512, 3, 3], { padding: 1 }],
      [[1, 16, 33, 31], [16, 1, 5, 5], { groups: 16, stride: [2, 3], padding: 'same' }],
    ];
    for (const [xs, ws, o] of cases) {
      const x = tensor(xs, 11);
      const w = tensor(ws, 12);
      const p = resolveParams(xs, ws, o, 't');
      const dy = tensor([p.n, p.k, p.p, p.q], 13);
      const cpu = { ...o, device: 'cpu' as const };
      expect(relError(conv2d(x, w, gpuOpts(o)).data, conv2d(x, w, cpu).data)).toBeLessThan(TOL);
      expect(
        relError(
          conv2dBackwardData(dy, w, { ...gpuOpts(o), inputShape: xs }).data,
          conv2dBackwardData(dy, w, { ...cpu, inputShape: xs }).data,
        ),
      ).toBeLessThan(TOL);
      expect(
        relError(
          conv2dBackwardFilter(x, dy, { ...gpuOpts(o), filterShape: ws }).data,
          conv2dBackwardFilter(x, dy, { ...cpu, filterShape: ws }).data,
        ),
      ).toBeLessThan(TOL);
    }
  });

  it('backward-filter is bit-identical across runs (split-K with a fixed-order reduction)', () => {
    const x = tensor([16, 64, 56, 56], 21);
    const dy = tensor([16, 64, 56, 56], 22);
    const opts = { padding: 1, filterShape: [64, 64, 3, 3] as Shape4, device: 'gpu' as const };
    const a = conv2dBackwardFilter(x, dy, opts).data;
    const b = conv2dBackwardFilter(x, dy, opts).data;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('DeviceTensors round-trip, stay on the GPU through conv2d and both gradients, and dispose', async () => {
    const xh = tensor([2, 8, 9, 9], 31);
    const wh = tensor([6, 8, 3, 3], 32);
    const p: ConvParams = resolveParams(xh.shape, wh.shape, { padding: 1 }, 't');
    const x = gpu.upload(xh);
    const w = gpu.upload(wh);
    expect(x).toBeInstanceOf(DeviceTensor);
    expect(Array.from(x.download().data)).toEqual(Array.from(xh.data));
    const y = conv2d(x, w, { padding: 1 });
    expect(y).toBeInstanceOf(DeviceTensor);
    expect(y.shape).toEqual([2, 6, 9, 9]);
    expect(relError(y.download().data, refForward(p, xh.data, wh.data))).toBeLessThan(TOL);
    // mixed host/device operands, async twin
    const y2 = await conv2dAsync(xh, w, { padding: 1 });
    expect(relError(y2.download().data, y.download().data)).toBe(0);
    const dx = conv2dBackwardData(y, w, { padding: 1, inputShape: xh.shape });
    const dw = conv2dBackwardFilter(x, y, { padding: 1, filterShape: wh.shape });
    const yh: Tensor4 = y.download();
    expect(relError(dx.download().data, refBackwardData(p, yh.data, wh.data))).toBeLessThan(TOL);
    expect(relError(dw.download().data, refBackwardFilter(p, xh.data, yh.data))).toBeLessThan(TOL);
    // out: a DeviceTensor written in place
    const out = gpu.empty([2, 6, 9, 9]);
    const r = conv2d(x, w, { padding: 1, out: out as unknown as Tensor4 });
    expect(r).toBe(out);
    {
      using scoped = gpu.upload(xh);
      expect(scoped.disposed).toBe(false);
    }
    for (const t of [x, w, y, y2, dx, dw, out]) {
      t.dispose();
      t.dispose(); // idempotent
      expect(t.disposed).toBe(true);
    }
    expect(() => x.download()).toThrow(/disposed/);
    expect(() => conv2d(x, wh)).toThrow(/conv2d: the DeviceTensor was disposed/);
    expect(() => conv2d(gpu.upload(xh), wh, { device: 'cpu' })).toThrow(/device 'cpu'/);
  });

  it('host tensors of an async GPU call: their memory may be taken away while it runs', async () => {
    const x = tensor([4, 32, 48, 48], 71);
    const w = tensor([32, 32, 3, 3], 72);
    const expected = conv2d(x, w, { padding: 1, device: 'cpu' }).data;
    // An input transferred (and collected) mid-call: the call read a copy taken when it started.
    const xs = { data: x.data.slice(), shape: x.shape };
    const pending = conv2dAsync(xs, w, { padding: 1, device: 'gpu' });
    structuredClone(xs.data.buffer, { transfer: [xs.data.buffer] });
    expect(relError((await pending).data, expected)).toBeLessThan(TOL);
    // The output transferred mid-call: a clear rejection, nothing written anywhere.
    const out = { data: new Float32Array(expected.length), shape: x.shape };
    const lost = conv2dAsync(x, w, { padding: 1, device: 'gpu', out });
    structuredClone(out.data.buffer, { transfer: [out.data.buffer] });
    await expect(lost).rejects.toMatchObject({
      code: 'ERR_ARRAY_DETACHED',
      message: expect.stringMatching(/^conv2dAsync: out\.data lost its memory/),
    });
  });

  it('refuses to dispose a DeviceTensor that a pending async call uses', async () => {
    const x = gpu.upload(tensor([8, 32, 64, 64], 61));
    const w = gpu.upload(tensor([32, 32, 3, 3], 62));
    const pending = conv2dAsync(x, w, { padding: 1 });
    expect(() => x.dispose()).toThrow(/in use by a pending GPU operation/);
    expect(x.disposed).toBe(false);
    const y = await pending;
    expect(y.shape).toEqual([8, 32, 64, 64]);
    for (const t of [x, w, y]) t.dispose();
  });

  it('out of memory is a JS error naming the operation and shape, and the backend keeps working', () => {
    const held: DeviceTensor[] = [];
    let oom: unknown;
    try {
      for (let i = 0; i < 64 && oom === undefined; i++) {
        try {
          held.push(gpu.empty([1, 1, 32768, 65535])); // 8 GiB each until the device is full
        } catch (error) {
          oom = error;
        }
      }
      expect(oom).toBeInstanceOf(Error);
      expect((oom as { code?: string }).code).toBe('ERR_GPU_OUT_OF_MEMORY');
      expect((oom as Error).message).toMatch(/^gpu\.empty: cannot allocate \d+ bytes of device memory/);
      // A conv that needs device memory now fails with a message naming it and its shape.
      let convError: unknown;
      try {
        for (let i = 0; i < 64; i++) held.push(gpu.empty([1, 1, 1024, 65535])); // fill the rest
      } catch {
        // full
      }
      try {
        conv2d(tensor([8, 16, 64, 64], 1), tensor([16, 16, 3, 3], 2), { device: 'gpu' });
      } catch (error) {
        convError = error;
      }
      if (convError !== undefined) {
        expect((convError as Error).message).toMatch(/conv2d \(gpu, x=\[8,16,64,64\]/);
        expect((convError as { code?: string }).code).toBe('ERR_GPU_OUT_OF_MEMORY');
      }
    } finally {
      for (const t of held) t.dispose();
    }
    const x = tensor([1, 2, 5, 5], 41);
    const w = tensor([3, 2, 3, 3], 42);
    const p = resolveParams(x.shape, w.shape, {}, 't');
    expect(relError(conv2d(x, w, { device: 'gpu' }).data, refForward(p, x.data, w.data))).toBeLessThan(TOL);
  });

  it("refuses geometries past the kernels' index and launch limits, naming the limit (issue 18)", () => {
    // One channel of 2^31 − 64 pixels: valid tensors, but a forward 128-row tile's grid would be 2^32
    // threads (AMD counts grid x in 32 bits), and backward-filter's reduction rounded up to 2^31 wrapped
    // negative. Refused before anything is launched (the contents of x and dy are never read).
    const n = 2 ** 31 - 64;
    const x = gpu.empty([1, 1, 1, n]);
    const dy = gpu.empty([1, 1, 1, n]);
    try {
      expect(() => conv2d(x, tensor([1, 1, 1, 1], 71))).toThrow(
        /the GEMM's rows \(N·P·Q = 2147483584\) exceed 2147475456, the most every tile takes on both vendors/,
      );
      expect(() => conv2dBackwardFilter(x, dy, { filterShape: [1, 1, 1, 1] })).toThrow(
        /the GEMM's reduction \(N·P·Q = 2147483584\) exceeds 2147475456/,
      );
    } finally {
      x.dispose();
      dy.dispose();
    }
    // The backend keeps working.
    const a = tensor([1, 2, 5, 5], 72);
    const b = tensor([3, 2, 3, 3], 73);
    const p = resolveParams(a.shape, b.shape, {}, 't');
    expect(relError(conv2d(a, b, { device: 'gpu' }).data, refForward(p, a.data, b.data))).toBeLessThan(TOL);
  });

  it('does not leak device memory across 10,000 calls', () => {
    const x = tensor([2, 8, 16, 16], 51);
    const w = tensor([8, 8, 3, 3], 52);
    const xd = gpu.upload(x);
    const run = (i: number) => {
      if (i % 2 === 0) {
        conv2d(x, w, { padding: 1, device: 'gpu' });
      } else {
        conv2d(xd, w, { padding: 1 }).dispose();
      }
    };
    for (let i = 0; i < 20; i++) run(i);
    gpu.releaseWorkspace();
    const before = gpu.memoryInfo().free;
    for (let i = 0; i < 10_000; i++) run(i);
    gpu.releaseWorkspace();
    const after = gpu.memoryInfo().free;
    xd.dispose();
    expect(before - after).toBeLessThanOrEqual(2 * 1024 * 1024); // allocator granularity only
  });
});
