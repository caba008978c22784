// Reductions and scans: any set of reduced axes becomes the view [outer, r, inner] of a contiguous tensor
// that the device reduces over r. When the reduced axes are one block of the shape (after dropping
// dimensions of size 1) the view is the input itself; otherwise one strided copy moves them innermost
// (kept axes, then reduced ones in the order given: tfjs-backend-cpu's transpose, so an order-sensitive
// result — the first index of a maximum — is the cpu's). Output shapes and dtypes are the cpu kernels'.
import { backend_util, type DataType, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceDType, type RocmBackend } from '../backend.js';
import { MAX_RANK, stridedCopy } from './elementwise.js';
import { contiguousStrides } from './shape.js';

/** The device's reductions (tensor/ops/reduce.h). */
export type ReduceOp = 'Sum' | 'Prod' | 'Max' | 'Min' | 'Mean' | 'All' | 'Any' | 'ArgMax' | 'ArgMin';
export type ScanOp = 'Cumsum' | 'Cumprod';
/** An axis argument as TF.js kernels take it: one axis, several, or null/undefined for all. */
export type Axes = number | number[] | null | undefined;

// Ops whose result can depend on which of two equal elements comes first (the sign of a zero maximum,
// the operand JavaScript's && and || return): their reduced axes must be walked in the order given.
const ORDER_SENSITIVE = new Set<ReduceOp>(['Max', 'Min', 'All', 'Any', 'ArgMax', 'ArgMin']);

interface OpCodes {
  reduce: Record<string, number>;
  scan: Record<string, number>;
}
const codes = new WeakMap<RocmBackend, OpCodes>();

function table(names: string[]): Record<string, number> {
  const t: Record<string, number> = {};
  names.forEach((n, i) => {
    t[n] = i;
  });
  return t;
}

function opCode(backend: RocmBackend, family: keyof OpCodes, op: string): number {
  let c = codes.get(backend);
  if (!c) {
    const names = backend.device.reduceOps();
    c = { reduce: table(names.reduce), scan: table(names.scan) };
    codes.set(backend, c);
  }
  const code = c[family][op];
  if (code === undefined)
    throw new Error(`the native addon has no ${family} op '${op}' (rebuild @rocm-patch/conv-bypass)`);
  return code;
}

/** The dtype of op's result on a `dtype` input, as tfjs-backend-cpu gives it. */
export function reduceOutDtype(op: ReduceOp, dtype: DataType): DataType {
  switch (op) {
    case 'Sum':
    case 'Prod':
      return backend_util.upcastType(dtype, 'int32');
    case 'Mean':
      return 'float32';
    case 'ArgMax':
    case 'ArgMin':
      return 'int32';
    default:
      return dtype;
  }
}

/**
 * Why the device cannot reduce a tensor of `shape` over `axes` (undefined when it can): an axis out of
 * range or repeated (the host path gives the cpu's answer or error), or a rank past the device's.
 */
export function axesRefusal(axes: Axes, shape: readonly number[]): string | undefined {
  if (shape.length > MAX_RANK) return `rank ${shape.length} > ${MAX_RANK}`;
  let parsed: number[];
  try {
    parsed = util.parseAxisParam(axes as number | number[], [...shape]);
  } catch {
    return `axis ${axes} out of range`;
  }
  if (new Set(parsed).size !== parsed.length) return `repeated axis in ${axes}`;
  return undefined;
}

interface View {
  outer: number;
  r: number;
  inner: number;
}

/** product of shape[from .. to) */
function sizeOf(shape: readonly number[], from: number, to: number): number {
  let n = 1;
  for (let d = from; d < to; d++) n *= shape[d]!;
  return n;
}

/**
 * The [outer, r, inner] view of x reduced over `axes` without a copy, or null when the reduced axes
 * (ignoring dimensions of size 1, which move no element) are not one block in the order given.
 */
function directView(shape: readonly number[], axes: readonly number[], ordered: boolean): View | null {
  const moving = axes.filter((a) => shape[a] !== 1);
  if (moving.length === 0) return { outer: sizeOf(shape, 0, shape.length), r: 1, inner: 1 };
  const sorted = [...moving].sort((a, b) => a - b);
  if (ordered && moving.some((a, i) => a !== sorted[i])) return null;
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  for (let d = first; d <= last; d++) {
    if (shape[d] !== 1 && !sorted.includes(d)) return null; // a kept dimension inside the block
  }
  return {
    outer: sizeOf(shape, 0, first),
    r: sizeOf(shape, first, last + 1),
    inner: sizeOf(shape, last + 1, shape.length),
  };
}

/**
 * x reduced by `op` over `axes` (any integers in [-rank, rank) without repeats; [] reduces none, null or
 * undefined all), with the reduced dimensions kept as 1 when keepDims. ArgMax/ArgMin take one axis.
 */
export function reduce(
  backend: RocmBackend,
  op: ReduceOp,
  x: TensorInfo,
  axes: Axes,
  keepDims: boolean,
): TensorInfo {
  const shape = x.shape;
  const origAxes = util.parseAxisParam(axes as number | number[], [...shape]);
  util.assert(new Set(origAxes).size === origAxes.length, () => `reduce: repeated axis in ${origAxes}`);
  if ((op === 'ArgMax' || op === 'ArgMin') && origAxes.length !== 1)
    throw new Error(`${op} reduces one axis, got ${origAxes}`);
  const [outShape] = backend_util.computeOutAndReduceShapes([...shape], origAxes);
  const out = backend.makeTensorInfo(
    keepDims ? backend_util.expandShapeToKeepDim(outShape, origAxes) : outShape,
    reduceOutDtype(op, x.dtype),
  );
  if (util.sizeFromShape(outShape) === 0) return out;

  let source = x;
  let view = directView(shape, origAxes, ORDER_SENSITIVE.has(op));
  if (view === null) {
    // Kept axes first, then the reduced ones in the order given (backend_util.getAxesPermutation).
    const kept = shape.map((_, d) => d).filter((d) => !origAxes.includes(d));
    const perm = [...kept, ...origAxes];
    const strides = contiguousStrides(shape);
    source = stridedCopy(
      backend,
      x,
      perm.map((d) => shape[d]!),
      perm.map((d) => strides[d]!),
      0,
    );
    view = { outer: util.sizeFromShape(outShape), r: origAxes.reduce((n, d) => n * shape[d]!, 1), inner: 1 };
  }
  try {
    backend.device.reduce(
      backend.activeName,
      opCode(backend, 'reduce', op),
      deviceDType(x.dtype),
      backend.bufferOf(source),
      backend.bufferOf(out),
      view.outer,
      view.r,
      view.inner,
    );
  } finally {
    if (source !== x) backend.disposeIntermediateTensorInfo(source);
  }
  return out;
}

/** Why the device cannot scan along `axis` (an integer in [0, rank) as tfjs-backend-cpu takes it). */
export function scanRefusal(axis: number, shape: readonly number[]): string | undefined {
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length)
    return `axis ${axis} of rank ${shape.length}`;
  return undefined;
}

/** Prefix sums (Cumsum) or products (Cumprod) of x along `axis`. */
export function scan(
  backend: RocmBackend,
  op: ScanOp,
  x: TensorInfo,
  axis: number,
  exclusive: boolean,
  reverse: boolean,
): TensorInfo {
  const shape = x.shape;
  util.assert(
    scanRefusal(axis, shape) === undefined,
    () => `${op}: axis ${axis} out of range for rank ${shape.length}`,
  );
  const out = backend.makeTensorInfo([...shape], backend_util.upcastType(x.dtype, 'int32'));
  if (util.sizeFromShape(shape) === 0) return out;
  backend.device.scan(
    backend.activeName,
    opCode(backend, 'scan', op),
    deviceDType(x.dtype),
    backend.bufferOf(x),
    backend.bufferOf(out),
    sizeOf(shape, 0, axis),
    shape[axis]!,
    sizeOf(shape, axis + 1, shape.length),
    exclusive,
    reverse,
  );
  return out;
}
