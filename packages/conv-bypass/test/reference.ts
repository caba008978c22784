// A naive, obviously-correct convolution (the definition, loop by loop) to check the addon against.
import type { ConvParams } from '../src/index.js';

function tap(p: ConvParams, op: number, oq: number, r: number, s: number): [number, number] {
  return [op * p.strideH - p.padTop + r * p.dilationH, oq * p.strideW - p.padLeft + s * p.dilationW];
}

/** Calls f(n, k, op, oq, c, r, s, xIndex, wIndex, yIndex) for every product term inside the input. */
function forEachTerm(p: ConvParams, f: (xi: number, wi: number, yi: number, k: number) => void): void {
  const cg = p.c / p.groups;
  const kg = p.k / p.groups;
  for (let n = 0; n < p.n; n++)
    for (let k = 0; k < p.k; k++) {
      const g = Math.floor(k / kg);
      for (let op = 0; op < p.p; op++)
        for (let oq = 0; oq < p.q; oq++) {
          const yi = ((n * p.k + k) * p.p + op) * p.q + oq;
          for (let cc = 0; cc < cg; cc++)
            for (let r = 0; r < p.r; r++)
              for (let s = 0; s < p.s; s++) {
                const [ih, iw] = tap(p, op, oq, r, s);
                if (ih < 0 || ih >= p.h || iw < 0 || iw >= p.w) continue;
                const xi = ((n * p.c + g * cg + cc) * p.h + ih) * p.w + iw;
                const wi = ((k * cg + cc) * p.r + r) * p.s + s;
                f(xi, wi, yi, k);
              }
        }
    }
}

export function refForward(
  p: ConvParams,
  x: Float32Array,
  w: Float32Array,
  bias?: Float32Array,
): Float64Array {
  const y = new Float64Array(p.n * p.k * p.p * p.q);
  if (bias) for (let i = 0; i < y.length; i++) y[i] = bias[Math.floor(i / (p.p * p.q)) % p.k]!;
  forEachTerm(p, (xi, wi, yi) => {
    y[yi]! += x[xi]! * w[wi]!;
  });
  return y;
}

export function refBackwardData(p: ConvParams, dy: Float32Array, w: Float32Array): Float64Array {
  const dx = new Float64Array(p.n * p.c * p.h * p.w);
  forEachTerm(p, (xi, wi, yi) => {
    dx[xi]! += dy[yi]! * w[wi]!;
  });
  return dx;
}

export function refBackwardFilter(p: ConvParams, x: Float32Array, dy: Float32Array): Float64Array {
  const dw = new Float64Array(p.k * (p.c / p.groups) * p.r * p.s);
  forEachTerm(p, (xi, wi, yi) => {
    dw[wi]! += dy[yi]! * x[xi]!;
  });
  return dw;
}

/** max |a - b| / max(1e-6, max |b|): the error relative to the largest magnitude. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let maxDiff = 0;
  let maxMag = 0;
  for (let i = 0; i < b.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    maxMag = Math.max(maxMag, Math.abs(b[i]!));
  }
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  return maxDiff / Math.max(maxMag, 1e-6);
}

/** Deterministic pseudo-random floats in [-1, 1). */
export function randomData(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}
