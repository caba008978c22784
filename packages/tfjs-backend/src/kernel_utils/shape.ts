// Shape arithmetic for the device kernels: row-major strides, NumPy broadcasting as strides, and
// collapsing dimensions that every operand walks contiguously (fewer divisions per element on the device).

/** Row-major strides of a contiguous tensor. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

/** Strides of a contiguous `inShape` broadcast over `outShape` (right-aligned; 0 where it broadcasts). */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const inStrides = contiguousStrides(inShape);
  const out = new Array<number>(outShape.length).fill(0);
  const offset = outShape.length - inShape.length;
  for (let d = 0; d < inShape.length; d++) {
    out[d + offset] = inShape[d] === 1 ? 0 : inStrides[d]!;
  }
  return out;
}

export interface Collapsed {
  shape: number[];
  strides: number[][];
}

/**
 * Drops size-1 dimensions and merges each dimension into the next when every operand is contiguous across
 * the pair (stride[d] = stride[d+1]·shape[d+1]). The result has rank ≥ 1 and describes the same elements.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): Collapsed {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * n)) {
      // Merge into the previous kept dimension: it steps over this one as a whole.
      outShape[last] = outShape[last]! * n;
      for (let k = 0; k < strides.length; k++) outStrides[k]![last] = strides[k]![d]!;
      continue;
    }
    outShape.push(n);
    for (let k = 0; k < strides.length; k++) outStrides[k]!.push(strides[k]![d]!);
  }
  if (outShape.length === 0 || shape.some((n) => n === 0)) {
    // All ones (a scalar's worth), or empty: one dimension suffices.
    const n = shape.reduce((a, b) => a * b, 1);
    return { shape: [n], strides: strides.map(() => [n <= 1 ? 0 : 1]) };
  }
  return { shape: outShape, strides: outStrides };
}
