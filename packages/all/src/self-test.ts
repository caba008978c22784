/**
 * The conv self-test of `rocm-patch doctor`: a small convolution forward and both gradients with every
 * algorithm this process has, each checked against the CPU result (and the CPU against a plain
 * JavaScript reference), with timings. On a machine without a GPU only the CPU path exists and is checked.
 * The vendor path (MIOpen/cuDNN) runs only after its probe in a separate process succeeded: on gfx1010
 * it can hang, and a doctor that hangs helps no one.
 */

import {
  type AlgorithmName,
  type ConvAlgorithm,
  type ConvDirection,
  type ConvGeometry,
  type ConvOperand,
  type ConvRouter,
  getConvRouter,
  type Tensor4,
} from '@rocm-patch/conv-bypass';
import { checkOptionKeys, formatValue } from '@rocm-patch/env';

type Shape4 = [number, number, number, number];

interface Case {
  name: string;
  x: Shape4;
  w: Shape4;
  geometry: ConvGeometry;
}

/** Small enough for the JS reference; the second is above gfx1010's ~42×42 MIOpen hang threshold. */
const CASES: readonly Case[] = [
  {
    name: 'N2 C3 12×12 → K4 3×3 s1 p1',
    x: [2, 3, 12, 12],
    w: [4, 3, 3, 3],
    geometry: { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 },
  },
  {
    name: 'N1 C8 48×48 → K8 3×3 s2 p1',
    x: [1, 8, 48, 48],
    w: [8, 8, 3, 3],
    geometry: { stride: [2, 2], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 },
  },
];

const DIRECTIONS: readonly ConvDirection[] = ['forward', 'backwardData', 'backwardFilter'];
const TOLERANCE = 1e-4;
const REPEATS = 3;

export interface AlgorithmCheck {
  case: string;
  direction: ConvDirection;
  algorithm: AlgorithmName;
  /** What it was compared with: 'reference' (plain JS) for the CPU, 'cpu' for the others. */
  against: 'reference' | 'cpu';
  status: 'ok' | 'mismatch' | 'error' | 'skipped';
  /** max |a − b| / max |b| */
  relError: number | null;
  /** Median of the timed runs, in ms. */
  ms: number | null;
  detail?: string;
}

export interface SelfTestReport {
  gpu: { name: string; arch: string; backend: string } | null;
  algorithms: AlgorithmName[];
  checks: AlgorithmCheck[];
  /** Every check that ran passed (skipped ones do not count against it). */
  ok: boolean;
}

export interface SelfTestOptions {
  router?: ConvRouter;
  /** Called after each check (for progress). */
  onCheck?: (check: AlgorithmCheck, index: number, total: number) => void;
}

/** Values in [-0.5, 0.5) from a seed (an LCG): the same inputs on every run and every backend. */
export function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

function outputShape(c: Case): Shape4 {
  const [n, , h, w] = c.x;
  const [k, , r, s] = c.w;
  const { stride, padding, dilation } = c.geometry;
  const p = Math.floor((h + padding[0] + padding[1] - dilation[0] * (r - 1) - 1) / stride[0]) + 1;
  const q = Math.floor((w + padding[2] + padding[3] - dilation[1] * (s - 1) - 1) / stride[1]) + 1;
  return [n, k, p, q];
}

/**
 * The plain definition of the convolution, used three ways: y = conv(x, w), and its two adjoints.
 * `visit` receives flat indices into x, w and y for every term of the sum.
 */
function forEachTerm(c: Case, visit: (xi: number, wi: number, yi: number) => void): void {
  const [n, ch, h, w] = c.x;
  const [k, , r, s] = c.w;
  const [, , p, q] = outputShape(c);
  const { stride, padding, dilation } = c.geometry;
  for (let b = 0; b < n; b++)
    for (let o = 0; o < k; o++)
      for (let y = 0; y < p; y++)
        for (let x = 0; x < q; x++) {
          const yi = ((b * k + o) * p + y) * q + x;
          for (let ci = 0; ci < ch; ci++)
            for (let i = 0; i < r; i++) {
              const hy = y * stride[0] - padding[0] + i * dilation[0];
              if (hy < 0 || hy >= h) continue;
              for (let j = 0; j < s; j++) {
                const wx = x * stride[1] - padding[2] + j * dilation[1];
                if (wx < 0 || wx >= w) continue;
                visit(((b * ch + ci) * h + hy) * w + wx, ((o * ch + ci) * r + i) * s + j, yi);
              }
            }
        }
}

function size(shape: Shape4): number {
  return shape[0] * shape[1] * shape[2] * shape[3];
}

function reference(c: Case, direction: ConvDirection, x: Float32Array, w: Float32Array, dy: Float32Array) {
  if (direction === 'forward') {
    const y = new Float64Array(size(outputShape(c)));
    forEachTerm(c, (xi, wi, yi) => {
      y[yi] = y[yi]! + x[xi]! * w[wi]!;
    });
    return Float32Array.from(y);
  }
  if (direction === 'backwardData') {
    const dx = new Float64Array(size(c.x));
    forEachTerm(c, (xi, wi, yi) => {
      dx[xi] = dx[xi]! + dy[yi]! * w[wi]!;
    });
    return Float32Array.from(dx);
  }
  const dw = new Float64Array(size(c.w));
  forEachTerm(c, (xi, wi, yi) => {
    dw[wi] = dw[wi]! + dy[yi]! * x[xi]!;
  });
  return Float32Array.from(dw);
}

function hostData(operand: ConvOperand): Float32Array {
  if ('data' in operand && operand.data instanceof Float32Array) return operand.data;
  const download = (operand as { download?: () => Tensor4 }).download;
  if (typeof download === 'function') return download.call(operand).data;
  throw new TypeError('the algorithm returned neither a host tensor nor a device tensor');
}

/** max |a − b| / max |b| (NaN counts as the largest difference). */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= maxDiff)) maxDiff = d; // NaN counts as the largest difference
    maxRef = Math.max(maxRef, Math.abs(b[i]!));
  }
  return maxDiff / (maxRef || 1);
}

function runOnce(
  algorithm: ConvAlgorithm,
  c: Case,
  direction: ConvDirection,
  x: Tensor4,
  w: Tensor4,
  dy: Tensor4,
): Float32Array {
  if (direction === 'forward') return hostData(algorithm.forward(x, w, c.geometry));
  if (direction === 'backwardData') return hostData(algorithm.backwardData(dy, w, c.x, c.geometry));
  return hostData(algorithm.backwardFilter(x, dy, c.w, c.geometry));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs every check; never throws for a failing algorithm (that is a check with status 'error'). */
export async function runConvSelfTest(options: SelfTestOptions = {}): Promise<SelfTestReport> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`runConvSelfTest: options must be an object, got ${formatValue(options)}`);
  }
  checkOptionKeys('runConvSelfTest', 'options', options, ['router', 'onCheck']);
  const router = options.router ?? getConvRouter();
  const capabilities = router.capabilities;
  const names = (Object.keys(capabilities.algorithms) as AlgorithmName[]).sort((a, b) =>
    a === 'cpu' ? -1 : b === 'cpu' ? 1 : a.localeCompare(b),
  );
  const total = CASES.length * DIRECTIONS.length * names.length;
  const checks: AlgorithmCheck[] = [];
  const push = (check: AlgorithmCheck) => {
    checks.push(check);
    options.onCheck?.(check, checks.length, total);
  };
  for (const [ci, c] of CASES.entries()) {
    const x: Tensor4 = { data: random(size(c.x), 11 + ci), shape: c.x };
    const w: Tensor4 = { data: random(size(c.w), 23 + ci), shape: c.w };
    const yShape = outputShape(c);
    const dy: Tensor4 = { data: random(size(yShape), 37 + ci), shape: yShape };
    for (const direction of DIRECTIONS) {
      let cpuResult: Float32Array | undefined;
      for (const name of names) {
        const algorithm = capabilities.algorithms[name]!;
        const against = name === 'cpu' ? 'reference' : 'cpu';
        const base = { case: c.name, direction, algorithm: name, against } as const;
        if (name === 'vendor') {
          const operands =
            direction === 'forward'
              ? ({ direction, x, w } as const)
              : direction === 'backwardData'
                ? ({ direction, dy, w, inputShape: c.x } as const)
                : ({ direction, x, dy, filterShape: c.w } as const);
          const { problem, key } = router.keyOf(operands, c.geometry);
          const probe = await router.probe(problem, key);
          if (probe.outcome !== 'ok') {
            push({
              ...base,
              status: 'skipped',
              relError: null,
              ms: null,
              detail: `probe in a separate process: ${probe.outcome}${probe.detail ? ` (${probe.detail})` : ''}`,
            });
            continue;
          }
        }
        try {
          const times: number[] = [];
          let result: Float32Array = new Float32Array(0);
          for (let i = 0; i < REPEATS; i++) {
            const t0 = performance.now();
            result = runOnce(algorithm, c, direction, x, w, dy);
            times.push(performance.now() - t0);
          }
          const expected = name === 'cpu' ? reference(c, direction, x.data, w.data, dy.data) : cpuResult;
          if (name === 'cpu') cpuResult = result;
          const err = expected ? relError(result, expected) : null;
          push({
            ...base,
            status: err !== null && err <= TOLERANCE ? 'ok' : 'mismatch',
            relError: err,
            ms: median(times),
            ...(expected ? {} : { detail: 'no CPU result to compare with' }),
          });
        } catch (error) {
          push({ ...base, status: 'error', relError: null, ms: null, detail: (error as Error).message });
        }
      }
    }
  }
  return {
    gpu: capabilities.gpu,
    algorithms: names,
    checks,
    ok: checks.every((check) => check.status === 'ok' || check.status === 'skipped'),
  };
}
