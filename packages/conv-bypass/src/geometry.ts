// Validation of user input and resolution of the options into ConvParams. Everything is checked here,
// before any native code runs; the native side re-checks only what guards memory.
import { describeValue } from './describe-value.js';
import type { ConvGeometryOptions, ConvParams, Padding, Tensor4 } from './types.js';

type Shape4 = [number, number, number, number];

/**
 * Largest element count of one tensor, and largest row or column count of the padded input and of the
 * dilated filter: the native code (the GPU kernels) indexes with 32-bit integers.
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_ELEMENTS;
}

function isNonNegativeInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_ELEMENTS;
}

export function checkShape(shape: unknown, name: string, fn: string): Shape4 {
  if (!Array.isArray(shape) || shape.length !== 4) {
    throw new TypeError(`${fn}: ${name} must be an array of 4 dimensions`);
  }
  shape.forEach((d, i) => {
    if (typeof d !== 'number') {
      throw new TypeError(`${fn}: ${name}[${i}] must be a positive integer, got ${describeValue(d)}`);
    }
    if (!isPositiveInt(d)) {
      throw new RangeError(`${fn}: ${name}[${i}] must be a positive integer, got ${describeValue(d)}`);
    }
  });
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (size > MAX_ELEMENTS) {
    throw new RangeError(`${fn}: ${name} has ${size} elements, more than 2^31-1 (32-bit indexing)`);
  }
  return shape as Shape4;
}

export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Checks that `t` is a Tensor4 whose Float32Array holds exactly its shape's elements. */
export function checkTensor(t: unknown, name: string, fn: string): Tensor4 {
  if (typeof t !== 'object' || t === null)
    throw new TypeError(`${fn}: ${name} must be a { data, shape } tensor`);
  const { data, shape } = t as { data?: unknown; shape?: unknown };
  if (!(data instanceof Float32Array)) throw new TypeError(`${fn}: ${name}.data must be a Float32Array`);
  const s = checkShape(shape, `${name}.shape`, fn);
  if (data.length !== shapeSize(s)) {
    throw new RangeError(
      `${fn}: ${name}.data has ${data.length} elements but ${name}.shape [${s.join(', ')}] needs ${shapeSize(s)}`,
    );
  }
  return t as Tensor4;
}

function pair(v: unknown, name: string, fn: string, dflt: number): [number, number] {
  if (v === undefined) return [dflt, dflt];
  const values = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(values) || values.length !== 2) {
    throw new TypeError(`${fn}: ${name} must be a number or [${name}H, ${name}W]`);
  }
  for (const x of values) {
    if (!isPositiveInt(x)) {
      const E = typeof x === 'number' ? RangeError : TypeError;
      throw new E(`${fn}: ${name} must be positive integers, got ${describeValue(x)}`);
    }
  }
  return values as [number, number];
}

/** [top, bottom, left, right] for the given input and effective filter extents. */
function resolvePadding(
  padding: Padding | undefined,
  fn: string,
  h: number,
  w: number,
  effR: number,
  effS: number,
  sh: number,
  sw: number,
): [number, number, number, number] {
  if (padding === undefined || padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    // TensorFlow: out = ceil(in / stride); the total padding is split with the extra pixel at the end.
    const total = (size: number, eff: number, stride: number) =>
      Math.max((Math.ceil(size / stride) - 1) * stride + eff - size, 0);
    const ph = total(h, effR, sh);
    const pw = total(w, effS, sw);
    return [Math.floor(ph / 2), ph - Math.floor(ph / 2), Math.floor(pw / 2), pw - Math.floor(pw / 2)];
  }
  let values: unknown[];
  if (typeof padding === 'number') values = [padding, padding, padding, padding];
  else if (Array.isArray(padding) && padding.length === 2)
    values = [padding[0], padding[0], padding[1], padding[1]];
  else if (Array.isArray(padding) && padding.length === 4) values = padding;
  else {
    throw new TypeError(
      `${fn}: padding must be a number, [vertical, horizontal], [top, bottom, left, right], 'same' or 'valid'`,
    );
  }
  for (const x of values) {
    if (!isNonNegativeInt(x)) {
      const E = typeof x === 'number' ? RangeError : TypeError;
      throw new E(`${fn}: padding must be non-negative integers, got ${describeValue(x)}`);
    }
  }
  return values as [number, number, number, number];
}

/** The geometry of conv(x, w) from the shapes of x and w and the options; throws on any bad input. */
export function resolveParams(
  xShape: Shape4,
  wShape: Shape4,
  opts: ConvGeometryOptions,
  fn: string,
): ConvParams {
  // The conv functions have checked these under their own names already; direct callers (SafeConv2d, users
  // of resolveParams) have not.
  const [n, c, h, w] = checkShape(xShape, 'xShape', fn);
  const [k, cg, r, s] = checkShape(wShape, 'wShape', fn);
  const groups = opts.groups ?? 1;
  if (!isPositiveInt(groups)) {
    const E = typeof groups === 'number' ? RangeError : TypeError;
    throw new E(`${fn}: groups must be a positive integer, got ${describeValue(groups)}`);
  }
  if (c % groups !== 0)
    throw new RangeError(`${fn}: groups (${groups}) must divide the input channels C (${c})`);
  if (k % groups !== 0)
    throw new RangeError(`${fn}: groups (${groups}) must divide the output channels K (${k})`);
  if (cg !== c / groups) {
    throw new RangeError(`${fn}: the filter has ${cg} input channels, expected C / groups = ${c / groups}`);
  }
  const [strideH, strideW] = pair(opts.stride, 'stride', fn, 1);
  const [dilationH, dilationW] = pair(opts.dilation, 'dilation', fn, 1);
  const effR = (r - 1) * dilationH + 1;
  const effS = (s - 1) * dilationW + 1;
  if (effR > MAX_ELEMENTS || effS > MAX_ELEMENTS) {
    throw new RangeError(
      `${fn}: dilation [${dilationH}, ${dilationW}] makes the ${r}×${s} filter span ${effR}×${effS} pixels, ` +
        'more than 2^31-1 rows or columns (32-bit indexing)',
    );
  }
  const [top, bottom, left, right] = resolvePadding(opts.padding, fn, h, w, effR, effS, strideH, strideW);
  const paddedH = h + top + bottom;
  const paddedW = w + left + right;
  if (paddedH > MAX_ELEMENTS || paddedW > MAX_ELEMENTS) {
    const why =
      opts.padding === 'same' ? `padding 'same' (with dilation [${dilationH}, ${dilationW}])` : 'padding';
    throw new RangeError(
      `${fn}: ${why} makes the padded input ${paddedH}×${paddedW}, more than 2^31-1 rows or columns ` +
        '(32-bit indexing)',
    );
  }
  const p = Math.floor((h + top + bottom - effR) / strideH) + 1;
  const q = Math.floor((w + left + right - effS) / strideW) + 1;
  if (!(p >= 1 && q >= 1)) {
    throw new RangeError(
      `${fn}: the output would be empty (${Math.max(p, 0)}×${Math.max(q, 0)}): the dilated filter ` +
        `(${effR}×${effS}) is larger than the padded input (${h + top + bottom}×${w + left + right})`,
    );
  }
  if (n * k * p * q > MAX_ELEMENTS) {
    throw new RangeError(
      `${fn}: the output has ${n * k * p * q} elements, more than 2^31-1 (32-bit indexing)`,
    );
  }
  return {
    n,
    c,
    h,
    w,
    k,
    r,
    s,
    p,
    q,
    strideH,
    strideW,
    padTop: top,
    padLeft: left,
    dilationH,
    dilationW,
    groups,
  };
}

export function inputShapeOf(p: ConvParams): Shape4 {
  return [p.n, p.c, p.h, p.w];
}
export function filterShapeOf(p: ConvParams): Shape4 {
  return [p.k, p.c / p.groups, p.r, p.s];
}
export function outputShapeOf(p: ConvParams): Shape4 {
  return [p.n, p.k, p.p, p.q];
}

/** Checks that `t` has exactly `shape`. */
export function checkShapeEquals(t: Tensor4, shape: Shape4, name: string, fn: string): void {
  if (t.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(`${fn}: ${name}.shape is [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
}
