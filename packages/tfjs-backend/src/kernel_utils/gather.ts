// The gather family's launches: indexed data movement (gathers, scatters, segment sums, bincounts,
// searchsorted), generators (OneHot, Range/LinSpace), Where and TopK. Shapes follow tfjs-backend-cpu
// (tfjs-core's gather_nd_util, scatter_nd_util and segment_util compute them); index values are read
// and checked on the device (native/src/tensor/gather.h).
import { backend_util, type DataType, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceDType, type RocmBackend } from '../backend.js';
import { fill, MAX_RANK, stridedCopy } from './elementwise.js';

/** Element counts the int32 indices and counts of these kernels can address. */
export const INT32_LIMIT = 2 ** 31 - 1;

/**
 * A bad index is found by the device and thrown at the next synchronisation. On the host device a
 * launch has completed when it returns, so synchronising costs nothing: the kernels whose
 * tfjs-backend-cpu counterpart checks its indices synchronously check at once there, and throw from
 * the call as cpu does (tfjs-core's 'throws when index is out of bound'). On the GPU that would cost a
 * synchronisation per kernel: the error comes at the next read (or at the launch with
 * ROCM_PATCH_LAUNCH_BLOCKING=1), and the output holds 0 where the index was bad.
 */
function surfaceDataErrors(backend: RocmBackend, outputs: TensorInfo[]): void {
  if (backend.deviceKind !== 'host') return;
  try {
    backend.device.synchronize();
  } catch (error) {
    for (const t of outputs) backend.disposeIntermediateTensorInfo(t);
    throw error;
  }
}

function writeArgs(backend: RocmBackend, values: readonly number[]): void {
  backend.args.set(values, 0);
}

/** Why a slice rank cannot run on the device (the kernels keep its strides in kMaxRank entries). */
export function sliceRankRefusal(sliceRank: number): string | undefined {
  return sliceRank > MAX_RANK ? `index depth ${sliceRank} > ${MAX_RANK}` : undefined;
}

// ---- gathers ----------------------------------------------------------------------------------------

export function gatherV2(
  backend: RocmBackend,
  x: TensorInfo,
  indices: TensorInfo,
  axis: number,
  batchDims: number,
): TensorInfo {
  const parsedAxis = util.parseAxisParam(axis, x.shape)[0]!;
  const info = backend_util.segment_util.collectGatherOpShapeInfo(x, indices, parsedAxis, batchDims);
  const out = backend.makeTensorInfo(info.outputShape, x.dtype);
  const indicesSize = util.sizeFromShape(indices.shape);
  backend.device.gather(
    backend.activeName,
    backend.bufferOf(x),
    backend.bufferOf(indices),
    backend.bufferOf(out),
    info.batchSize,
    info.outerSize,
    info.dimSize,
    info.sliceSize,
    info.batchSize === 0 ? 0 : indicesSize / info.batchSize,
  );
  surfaceDataErrors(backend, [out]);
  return out;
}

export function gatherNd(backend: RocmBackend, params: TensorInfo, indices: TensorInfo): TensorInfo {
  const [resultShape, numSlices, sliceSize, strides] = backend_util.prepareAndValidate(params, indices);
  const out = backend.makeTensorInfo(resultShape, params.dtype);
  if (numSlices === 0 || sliceSize === 0) return out;
  const sliceRank = indices.shape[indices.shape.length - 1]!;
  writeArgs(backend, strides);
  backend.device.gatherNd(
    backend.activeName,
    backend.bufferOf(params),
    backend.bufferOf(indices),
    backend.bufferOf(out),
    numSlices,
    sliceSize,
    util.sizeFromShape(params.shape) / sliceSize,
    sliceRank,
  );
  surfaceDataErrors(backend, [out]);
  return out;
}

// ---- scatters ---------------------------------------------------------------------------------------

/** The output's initial values: zeros, a copy of a tensor, or a scalar (of the output's dtype) everywhere. */
export type ScatterInit =
  | { kind: 'zeros' }
  | { kind: 'tensor'; tensor: TensorInfo }
  | { kind: 'default'; value: TensorInfo };

/**
 * ScatterNd (init zeros, duplicates sum), TensorScatterUpdate (init the tensor) and SparseToDense (init
 * the default value): updates.shape = indices.shape[:-1] + shape[sliceRank:], or a scalar update for
 * every index (replace only). The output's dtype is the updates'.
 */
export function scatterNd(
  backend: RocmBackend,
  indices: TensorInfo,
  updates: TensorInfo,
  shape: number[],
  init: ScatterInit,
  dtype: DataType,
): TensorInfo {
  const { sliceRank, numUpdates, sliceSize, strides, outputSize } = backend_util.calculateShapes(
    updates,
    indices,
    shape,
  );
  let out: TensorInfo;
  if (init.kind === 'zeros') {
    out = fill(backend, shape, dtype, 0);
  } else if (init.kind === 'tensor') {
    out = backend.makeTensorInfo(shape, dtype);
    if (outputSize > 0)
      backend.device.copyBuffer(backend.bufferOf(out), backend.bufferOf(init.tensor), outputSize * 4);
  } else {
    // The scalar default broadcast over the output (stride 0).
    out = stridedCopy(backend, init.value, shape, new Array<number>(shape.length).fill(0), 0);
  }
  if (outputSize === 0 || numUpdates === 0 || sliceSize === 0) return out;
  writeArgs(backend, strides.slice(0, sliceRank));
  backend.device.scatter(
    backend.activeName,
    init.kind === 'zeros' ? 0 : 1,
    deviceDType(dtype),
    backend.bufferOf(indices),
    backend.bufferOf(updates),
    backend.bufferOf(out),
    numUpdates,
    sliceSize,
    outputSize / sliceSize,
    sliceRank,
    updates.shape.length === 0,
  );
  surfaceDataErrors(backend, [out]);
  return out;
}

/** The slice rank calculateShapes will find (for refusals before any work). */
export function scatterSliceRank(indices: TensorInfo): number {
  const r = indices.shape.length;
  return r > 1 ? indices.shape[r - 1]! : 1;
}

// ---- UnsortedSegmentSum, Bincount -------------------------------------------------------------------

/** Why tfjs-backend-cpu's UnsortedSegmentSum would do something other than one segment id per row of x. */
export function segmentSumRefusal(
  x: TensorInfo,
  segmentIds: TensorInfo,
  numSegments: number,
): string | undefined {
  if (segmentIds.shape.length !== 1 || x.shape.length < 1 || segmentIds.shape[0] !== x.shape[0])
    return 'segmentIds is not one id per row of x';
  if (numSegments < 1) return 'numSegments < 1';
  return undefined;
}

/** float32 [numSegments, ...x.shape[1:]], as tfjs-backend-cpu (a float32 mask times x, summed). */
export function unsortedSegmentSum(
  backend: RocmBackend,
  x: TensorInfo,
  segmentIds: TensorInfo,
  numSegments: number,
): TensorInfo {
  const rest = x.shape.slice(1);
  const out = backend.makeTensorInfo([numSegments, ...rest], 'float32');
  backend.device.segmentSum(
    backend.activeName,
    deviceDType(x.dtype),
    backend.bufferOf(x),
    backend.bufferOf(segmentIds),
    backend.bufferOf(out),
    x.shape[0]!,
    util.sizeFromShape(rest),
    numSegments,
  );
  return out;
}

/**
 * Bincount over x as [rows, cols] (a vector is one row): y [rows, size] of the weights' dtype counts x's
 * values in [0, size), weighted when weights is not empty; binary: 1 where a value occurs. A negative
 * value is reported (tfjs-backend-cpu throws 'Input x must be non-negative!').
 */
export function bincount(
  backend: RocmBackend,
  x: TensorInfo,
  weights: TensorInfo,
  size: number,
  binary: boolean,
): TensorInfo {
  const matrix = x.shape.length === 2;
  const rows = matrix ? x.shape[0]! : 1;
  const cols = matrix ? x.shape[1]! : util.sizeFromShape(x.shape);
  const out = backend.makeTensorInfo(matrix ? [rows, size] : [size], weights.dtype);
  const weighted = util.sizeFromShape(weights.shape) > 0;
  backend.device.bincount(
    backend.activeName,
    deviceDType(weights.dtype),
    backend.bufferOf(x),
    weighted ? backend.bufferOf(weights) : -1,
    backend.bufferOf(out),
    rows,
    cols,
    size,
    binary,
  );
  surfaceDataErrors(backend, [out]);
  return out;
}

// ---- generators -------------------------------------------------------------------------------------

/**
 * What tfjs-backend-cpu stores for a OneHot value of `dtype` (it fills a Float32Array, then the tensor's
 * own array): float32 → fround(v), int32 → ToInt32(fround(v)), bool → ToUint8(fround(v)).
 */
export function oneHotStored(v: number, dtype: DataType): number {
  if (dtype === 'bool') return new Uint8Array([Math.fround(v)])[0]!;
  if (dtype === 'int32') return new Int32Array([Math.fround(v)])[0]!;
  return Math.fround(v);
}

export function oneHot(
  backend: RocmBackend,
  indices: TensorInfo,
  depth: number,
  onValue: number,
  offValue: number,
  dtype: DataType,
): TensorInfo {
  const out = backend.makeTensorInfo([...indices.shape, depth], dtype);
  const n = util.sizeFromShape(indices.shape);
  backend.device.oneHot(
    backend.activeName,
    backend.bufferOf(indices),
    backend.bufferOf(out),
    n,
    depth,
    oneHotStored(onValue, dtype),
    oneHotStored(offValue, dtype),
    deviceDType(dtype),
  );
  return out;
}

/** tfjs-backend-cpu's Range: its length, and its step after the sign fix for (start > stop, step 1). */
export function rangeShape(start: number, stop: number, step: number): { n: number; step: number } {
  if (start === stop || (start < stop && step < 0) || (stop < start && step > 1)) return { n: 0, step };
  const n = Math.abs(Math.ceil((stop - start) / step));
  return { n, step: stop < start && step === 1 ? -1 : step };
}

/** [n] values y[0] = start, y[i] = y[i-1] + step, each stored as `dtype` before the next. */
export function sequence(
  backend: RocmBackend,
  n: number,
  start: number,
  step: number,
  dtype: DataType,
): TensorInfo {
  const out = backend.makeTensorInfo([n], dtype);
  if (n > 0)
    backend.device.range(backend.activeName, deviceDType(dtype), backend.bufferOf(out), n, start, step);
  return out;
}

// ---- SearchSorted, Where, TopK ----------------------------------------------------------------------

export function searchSorted(
  backend: RocmBackend,
  sortedSequence: TensorInfo,
  values: TensorInfo,
  side: 'left' | 'right',
): TensorInfo {
  const out = backend.makeTensorInfo([...values.shape], 'int32');
  backend.device.searchSorted(
    backend.activeName,
    deviceDType(sortedSequence.dtype),
    deviceDType(values.dtype),
    backend.bufferOf(sortedSequence),
    backend.bufferOf(values),
    backend.bufferOf(out),
    sortedSequence.shape[0]!,
    sortedSequence.shape[1]!,
    values.shape[1]!,
    side === 'right',
  );
  return out;
}

/** Condition elements per Where chunk (one GPU block each), and the most chunks. */
const WHERE_CHUNK = 4096;
const WHERE_MAX_CHUNKS = 1024;

/**
 * The coordinates of the true elements of `condition`, int32 [count, rank] in row-major order. The
 * count is data: counting on the device and reading the counts is the one synchronisation it needs.
 */
export function whereCoordinates(backend: RocmBackend, condition: TensorInfo): TensorInfo {
  const rank = condition.shape.length;
  const n = util.sizeFromShape(condition.shape);
  if (n === 0) return backend.makeTensorInfo([0, rank], 'int32');
  const dtype = deviceDType(condition.dtype);
  const chunks = Math.max(1, Math.min(WHERE_MAX_CHUNKS, Math.ceil(n / WHERE_CHUNK)));
  const counts = backend.makeTensorInfo([chunks], 'int32');
  try {
    backend.device.whereCount(
      backend.activeName,
      dtype,
      backend.bufferOf(condition),
      backend.bufferOf(counts),
      n,
      chunks,
    );
    const perChunk = backend.device.readSync(backend.bufferOf(counts), chunks, 1);
    let count = 0;
    for (let c = 0; c < chunks; c++) count += perChunk[c]!;
    const out = backend.makeTensorInfo([count, rank], 'int32');
    if (count === 0 || rank === 0) return out;
    writeArgs(backend, condition.shape);
    try {
      backend.device.whereWrite(
        backend.activeName,
        dtype,
        backend.bufferOf(condition),
        backend.bufferOf(counts),
        backend.bufferOf(out),
        n,
        chunks,
        count,
        rank,
      );
    } catch (error) {
      backend.disposeIntermediateTensorInfo(out);
      throw error;
    }
    return out;
  } finally {
    backend.disposeIntermediateTensorInfo(counts);
  }
}

/**
 * The k largest values along the last axis and their int32 indices, sorted descending, ties by the
 * lower index (tfjs-backend-cpu's order; NaN ranks first here, where cpu's order depends on its sort).
 * Unsorted with k = n is the input as it is, indices 0..n-1, as cpu returns it. Unsorted with k < n is
 * sorted too: cpu returns its Floyd–Rivest partition's order there, which TF.js leaves unspecified.
 */
export function topK(backend: RocmBackend, x: TensorInfo, k: number, sorted: boolean): TensorInfo[] {
  const n = x.shape[x.shape.length - 1]!;
  const outShape = [...x.shape.slice(0, -1), k];
  const values = backend.makeTensorInfo(outShape, x.dtype);
  const indices = backend.makeTensorInfo([...outShape], 'int32');
  const rows = util.sizeFromShape(x.shape.slice(0, -1));
  if (rows * k > 0) {
    backend.device.topK(
      backend.activeName,
      deviceDType(x.dtype),
      backend.bufferOf(x),
      backend.bufferOf(values),
      backend.bufferOf(indices),
      rows,
      n,
      k,
      !sorted && k === n,
    );
  }
  return [values, indices];
}
