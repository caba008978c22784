// Data movement shared by the movement kernels and other families: transposes, slices and reversals are
// strided views copied by one `copy` launch (elementwise.ts: stridedCopy); concatenation and splitting go
// through the native parts kernel (one launch per 64 parts); tile and pad through the native remap kernel.
import { type DataType, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceDType, type RocmBackend } from '../backend.js';
import { MAX_RANK, stridedCopy } from './elementwise.js';
import { collapse, contiguousStrides } from './shape.js';

/**
 * x with its dimensions permuted (out.shape[i] = x.shape[perm[i]]), for any kernel that needs another
 * layout (reductions over inner axes, convolution layout changes). One strided copy; none when the
 * permutation keeps the elements in order (it only moves dimensions of size 1): the result then shares
 * x's data. Either way, release it with backend.disposeIntermediateTensorInfo. x's rank must be at most
 * MAX_RANK (8) once dimensions that stay contiguous are merged; callers refuse larger ranks.
 */
export function transpose(backend: RocmBackend, x: TensorInfo, perm: readonly number[]): TensorInfo {
  const shape = perm.map((p) => x.shape[p]!);
  const xStrides = contiguousStrides(x.shape);
  const view = perm.map((p) => xStrides[p]!);
  if (isContiguousView(shape, view)) return backend.aliasTensorInfo(x, shape);
  return stridedCopy(backend, x, shape, view, 0);
}

/** Whether a view with these strides visits its elements in memory order from offset 0. */
function isContiguousView(shape: readonly number[], strides: readonly number[]): boolean {
  const c = collapse(shape, [strides]);
  return c.shape.length === 1 && (c.shape[0]! <= 1 || c.strides[0]![0] === 1);
}

/**
 * out[idx] = x[begin + idx·step] per dimension, over `shape` (x's rank); `step` may be negative. The result
 * has `outShape` (same element count and order as `shape`: new axes and shrunk ones only reshape).
 */
export function stridedView(
  backend: RocmBackend,
  x: TensorInfo,
  begin: readonly number[],
  step: readonly number[],
  shape: readonly number[],
  outShape: readonly number[] = shape,
): TensorInfo {
  const out = backend.makeTensorInfo([...outShape], x.dtype);
  if (util.sizeFromShape([...shape]) === 0) return out;
  const xStrides = contiguousStrides(x.shape);
  let base = 0;
  const view = shape.map((_, d) => {
    base += begin[d]! * xStrides[d]!;
    return step[d]! * xStrides[d]!;
  });
  return stridedCopy(backend, x, [...shape], view, base, {
    info: out,
    strides: contiguousStrides(shape),
    base: 0,
  });
}

/** x[begin : begin + size] (begin and size already parsed and checked, as slice_util does). */
export function slice(
  backend: RocmBackend,
  x: TensorInfo,
  begin: readonly number[],
  size: readonly number[],
): TensorInfo {
  return stridedView(
    backend,
    x,
    begin,
    size.map(() => 1),
    size,
  );
}

// ---- parts: concatenation and splitting -------------------------------------------------------------

/** Parts per native call: their column counts and buffer ids must fit the shared args array. */
const PARTS_PER_CALL = 1024;

/**
 * Runs the native parts kernel over `parts` (each [outer, cols[p]]) against `whole` ([outer, Σ cols]),
 * in order along the whole's columns: concat writes the whole, split writes the parts.
 */
function moveParts(
  backend: RocmBackend,
  direction: 'concat' | 'split',
  whole: TensorInfo,
  allParts: readonly TensorInfo[],
  allCols: readonly number[],
  outer: number,
): void {
  // Parts of no columns occupy no place in the whole: leave them out (their buffers may be empty).
  const parts = allParts.filter((_, p) => allCols[p]! > 0);
  const cols = allCols.filter((c) => c > 0);
  const wholeCols = cols.reduce((a, b) => a + b, 0);
  if (outer === 0 || wholeCols === 0) return;
  const fn = direction === 'concat' ? backend.device.concat : backend.device.split;
  let colBase = 0;
  for (let first = 0; first < parts.length; first += PARTS_PER_CALL) {
    const count = Math.min(PARTS_PER_CALL, parts.length - first);
    const a = backend.args;
    let callCols = 0;
    for (let k = 0; k < count; k++) {
      a[k] = cols[first + k]!;
      a[count + k] = backend.bufferOf(parts[first + k]!);
      callCols += cols[first + k]!;
    }
    fn.call(backend.device, backend.activeName, backend.bufferOf(whole), count, outer, wholeCols, colBase);
    colBase += callCols;
  }
}

/**
 * The concatenation of `inputs` (one dtype, equal shapes but on `axis`) along `axis`, as a new tensor of
 * `outShape`: one native launch per 64 non-empty inputs.
 */
export function concat(
  backend: RocmBackend,
  inputs: readonly TensorInfo[],
  axis: number,
  outShape: readonly number[],
  dtype: DataType = inputs[0]!.dtype,
): TensorInfo {
  const out = backend.makeTensorInfo([...outShape], dtype);
  const outer = util.sizeFromShape(outShape.slice(0, axis));
  const nonEmpty = inputs.filter((t) => util.sizeFromShape(t.shape) > 0);
  moveParts(
    backend,
    'concat',
    out,
    nonEmpty,
    nonEmpty.map((t) => util.sizeFromShape(t.shape.slice(axis))),
    outer,
  );
  return out;
}

/**
 * x split along `axis` into consecutive pieces of `sizes[i]` along that axis, each of `shapes[i]` (which
 * may drop the axis: Unpack), in one native launch per 64 pieces.
 */
export function split(
  backend: RocmBackend,
  x: TensorInfo,
  axis: number,
  sizes: readonly number[],
  shapes: readonly (readonly number[])[],
): TensorInfo[] {
  const outs = shapes.map((s) => backend.makeTensorInfo([...s], x.dtype));
  const outer = util.sizeFromShape(x.shape.slice(0, axis));
  const inner = util.sizeFromShape(x.shape.slice(axis + 1));
  moveParts(
    backend,
    'split',
    x,
    outs,
    sizes.map((s) => s * inner),
    outer,
  );
  return outs;
}

// ---- tile and pad (native remap) -------------------------------------------------------------------

/**
 * Drops output dimensions of size 1 and merges a dimension into the one outside it when the inner one is
 * taken whole (for tile: not repeated; for pad: not padded, and in mirror modes the outer one not padded
 * either, since a reflection of the merged index is not one of the outer index). Fewer dimensions mean
 * fewer divisions per element on the device.
 */
function collapseRemap(
  inShape: readonly number[],
  outShape: readonly number[],
  before: readonly number[],
  mergeOuterPadded: boolean,
): { inShape: number[]; outShape: number[]; before: number[] } {
  const ins: number[] = [];
  const outs: number[] = [];
  const bs: number[] = [];
  for (let d = 0; d < outShape.length; d++) {
    const i = inShape[d]!;
    const o = outShape[d]!;
    const b = before[d]!;
    if (o === 1 && i === 1) continue;
    const last = outs.length - 1;
    const innerWhole = i === o && b === 0;
    const outerOk = last >= 0 && (mergeOuterPadded || (ins[last] === outs[last] && bs[last] === 0));
    if (innerWhole && outerOk) {
      ins[last] = ins[last]! * i;
      outs[last] = outs[last]! * o;
      bs[last] = bs[last]! * i;
      continue;
    }
    ins.push(i);
    outs.push(o);
    bs.push(b);
  }
  return { inShape: ins, outShape: outs, before: bs };
}

/** Whether tile or pad can run on the device for an input of this rank. */
export function remapRankRefusal(shape: readonly number[]): string | undefined {
  return shape.length > MAX_RANK ? `rank ${shape.length} > ${MAX_RANK}` : undefined;
}

function writeRemapArgs(backend: RocmBackend, rows: readonly (readonly number[])[]): void {
  const a = backend.args;
  let k = 0;
  for (const row of rows) for (const v of row) a[k++] = v;
}

/** x repeated reps[d] times along each dimension. */
export function tile(backend: RocmBackend, x: TensorInfo, reps: readonly number[]): TensorInfo {
  const outShape = x.shape.map((s, d) => s * reps[d]!);
  const out = backend.makeTensorInfo(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  const c = collapseRemap(
    x.shape,
    outShape,
    x.shape.map(() => 0),
    true,
  );
  writeRemapArgs(backend, [c.inShape, c.outShape]);
  backend.device.tile(backend.activeName, backend.bufferOf(x), backend.bufferOf(out), c.inShape.length);
  return out;
}

export type PadMode = 'constant' | 'reflect' | 'symmetric';
const PAD_MODES: Record<PadMode, 0 | 1 | 2> = { constant: 0, reflect: 1, symmetric: 2 };

/** x padded by paddings[d] = [before, after] (non-negative; mirror modes within the input's size). */
export function pad(
  backend: RocmBackend,
  x: TensorInfo,
  paddings: readonly (readonly number[])[],
  mode: PadMode,
  constantValue = 0,
): TensorInfo {
  const outShape = x.shape.map((s, d) => paddings[d]![0]! + s + paddings[d]![1]!);
  const out = backend.makeTensorInfo(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  const c = collapseRemap(
    x.shape,
    outShape,
    paddings.map((p) => p[0]!),
    mode === 'constant',
  );
  writeRemapArgs(backend, [c.inShape, c.outShape, c.before]);
  backend.device.pad(
    backend.activeName,
    PAD_MODES[mode],
    backend.bufferOf(x),
    backend.bufferOf(out),
    c.inShape.length,
    constantValue,
    deviceDType(x.dtype),
  );
  return out;
}
