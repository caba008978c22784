/**
 * `@rocm-patch/conv-bypass/device`: the device context of the native addon, for `@rocm-patch/tfjs-backend`.
 *
 * One native addon owns the GPU in a process (its memory, its stream, its errors), so the TF.js backend's
 * tensor kernels live in this package's addon beside the convolution kernels, and that backend reaches
 * them through this entry. It is an internal interface between the two packages (versioned together):
 * numbers in, numbers out, no validation beyond what guards memory — the backend validates TF.js's
 * arguments. See docs/architecture.md.
 */
import { addon } from '../native.js';

export { BufferOperand, type DeviceHandle, isBufferOperand, withBufferOperands } from './conv.js';

/** Element kinds of host arrays: 0 Float32Array, 1 Int32Array, 2 Uint8Array (bool; int32 on the device). */
export type HostKind = 0 | 1 | 2;
/** Device element types: 0 float32, 1 int32 (also bool, stored as 0/1). */
export type DeviceDType = 0 | 1;
export type HostArray = Float32Array | Int32Array | Uint8Array;

export interface DeviceAvailability {
  /** Whether a GPU can be used (the build has a GPU backend, and a driver and device exist). */
  gpu: boolean;
  /** Why not, when gpu is false. */
  reason: string;
  /** The GPU backend of this build: 'cuda', 'hip' or 'none'. */
  backend: string;
}

export interface DeviceMemory {
  /** Bytes of live buffers (rounded to the allocator's size classes). */
  inUse: number;
  /** Bytes asked for by live buffers. */
  requested: number;
  /** Bytes in the allocator's free lists. */
  cached: number;
  /** Bytes obtained from the runtime (inUse + cached). */
  reserved: number;
  peakInUse: number;
  /** The cap set by setMemoryLimit (0: none). */
  limit: number;
  allocations: number;
  cacheHits: number;
  runtimeMallocs: number;
  runtimeFrees: number;
  oomRetries: number;
  /** Live buffers. */
  buffers: number;
  /** Bytes of page-locked staging memory cached for transfers. */
  staging: number;
  /** The device's own view (GPU only). */
  deviceFree?: number;
  deviceTotal?: number;
}

/**
 * The functions of `addon().device`. Buffers are numbers (ids); kernels take a name id first (from
 * registerName), so an error — also one found by the device and reported at a later synchronisation —
 * names the TF.js kernel. Shapes and strides go through the Float64Array given to init().
 */
export interface DeviceAddon {
  available(): DeviceAvailability;
  init(
    kind: 'gpu' | 'host',
    args: Float64Array,
  ): { kind: string; description: string; launchBlocking: boolean };
  registerName(name: string): number;
  alloc(bytes: number, nameId: number): number;
  free(id: number): void;
  freeAll(): void;
  upload(id: number, values: HostArray): void;
  readSync(id: number, count: number, kind: HostKind): HostArray;
  read(id: number, count: number, kind: HostKind): Promise<HostArray>;
  copyBuffer(dst: number, src: number, bytes: number): void;
  synchronize(): void;
  timerStart(): number;
  timerEnd(timer: number): Promise<number>;
  memory(): DeviceMemory;
  releaseMemory(): void;
  setMemoryLimit(bytes: number): void;
  setLaunchBlocking(on: boolean): void;
  /** The op names of each family, in code order. */
  elementwiseOps(): { unary: string[]; binary: string[] };
  reduceOps(): { reduce: string[]; scan: string[] };
  /** The fused activations ('linear', 'relu', ... as TF.js names them), in code order. */
  activationNames(): string[];

  // ---- kernels (native/src/tensor/bindings_*.cc); args = the Float64Array given to init() ----
  /** y[i] = op(x[i]) for i < n; p0, p1: the op's attributes. */
  unary(
    nameId: number,
    op: number,
    dtIn: DeviceDType,
    dtOut: DeviceDType,
    x: number,
    y: number,
    n: number,
    p0: number,
    p1: number,
  ): void;
  /** y = op(a, b); args: shape[rank], a's strides[rank], b's strides[rank] (0 where broadcast). */
  binary(
    nameId: number,
    op: number,
    dtIn: DeviceDType,
    dtOut: DeviceDType,
    a: number,
    b: number,
    y: number,
    rank: number,
  ): void;
  /** y = cond ? a : b; args: shape, cond's strides, a's, b's. */
  select(
    nameId: number,
    dtype: DeviceDType,
    cond: number,
    a: number,
    b: number,
    y: number,
    rank: number,
  ): void;
  /** y[yBase + idx·sy] = x[xBase + idx·sx]; args: shape, sx, sy. */
  copy(nameId: number, x: number, y: number, rank: number, xBase: number, yBase: number): void;
  /** Conv geometry in args[0..16) (n c h w k r s p q strideH strideW padTop padLeft dilationH dilationW groups). */
  convForward(
    nameId: number,
    algo: number,
    x: number,
    w: number,
    bias: number,
    y: number,
    relu: boolean,
  ): void;
  convBackwardData(nameId: number, algo: number, dy: number, w: number, dx: number): void;
  convBackwardFilter(nameId: number, algo: number, x: number, dy: number, dw: number): void;
  /** Fused Adam update of one variable (tensor/optimizer.h); the 1 − β^t are device scalars. */
  adam(
    nameId: number,
    n: number,
    x: number,
    g: number,
    m: number,
    v: number,
    xOut: number,
    mOut: number,
    vOut: number,
    oneMinusAccBeta1: number,
    oneMinusAccBeta2: number,
    beta1: number,
    beta2: number,
    learningRate: number,
    epsilon: number,
  ): void;
  /** out = a·g + x with a device scalar a (SGD). */
  axpy(nameId: number, n: number, a: number, g: number, x: number, out: number): void;
  /** y[offset .. offset+n) = value. */
  fill(nameId: number, y: number, n: number, value: number, dtype: DeviceDType, offset: number): void;

  // ---- movement (native/src/tensor/bindings_movement.cc) ----
  /** y[o] = x[o mod inShape] per dimension; args: inShape[rank], outShape[rank]. */
  tile(nameId: number, x: number, y: number, rank: number): void;
  /**
   * y = x padded (mode 0 constant `value`, 1 reflect, 2 symmetric); args: inShape[rank], outShape[rank],
   * before[rank] (after = outShape − inShape − before).
   */
  pad(
    nameId: number,
    mode: 0 | 1 | 2,
    x: number,
    y: number,
    rank: number,
    value: number,
    dtype: DeviceDType,
  ): void;
  /**
   * Parts [outer, cols[p]] into consecutive column ranges of y [outer, wholeCols], from column colBase;
   * args: cols[count], then the parts' buffer ids[count].
   */
  concat(nameId: number, y: number, count: number, outer: number, wholeCols: number, colBase: number): void;
  /** The inverse of concat: x's column ranges into the parts (args as concat's). */
  split(nameId: number, x: number, count: number, outer: number, wholeCols: number, colBase: number): void;
  /**
   * y[o, i] = op over k of x[o, k, i], x contiguous [outer, r, inner]; dtype: x's (y's is the op's output
   * type: float32 for Mean, int32 for ArgMax/ArgMin, else x's).
   */
  reduce(
    nameId: number,
    op: number,
    dtype: DeviceDType,
    x: number,
    y: number,
    outer: number,
    r: number,
    inner: number,
  ): void;
  /** Prefix sums or products of x [outer, r, inner] along r into y (same shape and dtype). */
  scan(
    nameId: number,
    op: number,
    dtype: DeviceDType,
    x: number,
    y: number,
    outer: number,
    r: number,
    inner: number,
    exclusive: boolean,
    reverse: boolean,
  ): void;
  /**
   * y[b][i][j] = activation(Σ_k a[b][i][k]·b[b][k][j] + bias[b][i][j]) for b < batch, i < M, j < N (y
   * contiguous); bias and prelu are -1 when absent. args: batch, M, N, K, then (batch, batch stride,
   * row stride, column stride) of a (M × K), b (K × N), bias and prelu (M × N); a view's batch index is
   * b mod its batch count, strides are 0 where it broadcasts.
   */
  matmul(
    nameId: number,
    dtype: DeviceDType,
    a: number,
    b: number,
    bias: number,
    prelu: number,
    y: number,
    activation: number,
    alpha: number,
  ): void;
  // ---- nn family (native/src/tensor/bindings_nn.cc); -1 for an absent buffer ----
  /**
   * y = max (kind 0) or average (1) pool of x, and optionally each window's argmax (argmaxKind 1: window
   * position, 2: flat in the image, 3: flat in the batch). args: batch, inD, inH, inW, channels, outD,
   * outH, outW, effD, effH, effW, strideD, strideH, strideW, dilationD, dilationH, dilationW, padFront,
   * padTop, padLeft.
   */
  pool(
    nameId: number,
    x: number,
    y: number,
    argmax: number,
    kind: number,
    argmaxKind: number,
    clampStart: boolean,
    avgEmptyIsZero: boolean,
    tieLast: boolean,
    rowFactor: number,
  ): void;
  /** dx of a max (kind 0: x given) or average (1) pool; args: the pool's geometry, as for pool. */
  poolGrad(
    nameId: number,
    dy: number,
    x: number,
    dx: number,
    kind: number,
    tieLast: boolean,
    rowFactor: number,
    multiplier: number,
  ): void;
  /** y[i] = offset + (x − mean)·scale / sqrt(variance + epsilon), each parameter at [i % its length]. */
  batchNorm(
    nameId: number,
    x: number,
    mean: number,
    variance: number,
    offset: number,
    scale: number,
    y: number,
    n: number,
    lenMean: number,
    lenVariance: number,
    lenOffset: number,
    lenScale: number,
    epsilon: number,
  ): void;
  /** Softmax over each row of a rows × cols matrix. */
  softmax(nameId: number, x: number, y: number, rows: number, cols: number): void;
  resizeBilinear(
    nameId: number,
    x: number,
    y: number,
    int32: boolean,
    batch: number,
    inH: number,
    inW: number,
    channels: number,
    outH: number,
    outW: number,
    alignCorners: boolean,
    halfPixelCenters: boolean,
  ): void;
  resizeNearest(
    nameId: number,
    x: number,
    y: number,
    int32: boolean,
    batch: number,
    inH: number,
    inW: number,
    channels: number,
    outH: number,
    outW: number,
    alignCorners: boolean,
    halfPixelCenters: boolean,
  ): void;
  /** dx (batch, xH, xW, channels) of a resize whose output gradient is dy (batch, yH, yW, channels). */
  resizeBilinearGrad(
    nameId: number,
    dy: number,
    dx: number,
    batch: number,
    xH: number,
    xW: number,
    channels: number,
    yH: number,
    yW: number,
    alignCorners: boolean,
    halfPixelCenters: boolean,
  ): void;
  resizeNearestGrad(
    nameId: number,
    dy: number,
    dx: number,
    batch: number,
    xH: number,
    xW: number,
    channels: number,
    yH: number,
    yW: number,
    alignCorners: boolean,
    halfPixelCenters: boolean,
  ): void;
  /** Local response normalisation over the last axis (channels) of x. */
  lrn(
    nameId: number,
    x: number,
    y: number,
    n: number,
    channels: number,
    depthRadius: number,
    bias: number,
    alpha: number,
    beta: number,
  ): void;
  lrnGrad(
    nameId: number,
    x: number,
    y: number,
    dy: number,
    dx: number,
    n: number,
    channels: number,
    depthRadius: number,
    bias: number,
    alpha: number,
    beta: number,
  ): void;
  // ---- gather family (native/src/tensor/bindings_gather.cc, gather.h). Index values out of range are
  // reported by the device (thrown at the next synchronisation) and produce 0 / skip the update. ----
  /** y[r, v] += weights[r, c] (or 1; binary: = 1) for v = x[r, c] in [0, size); y is zeroed first; weights -1: none. */
  bincount(
    nameId: number,
    dtype: DeviceDType,
    x: number,
    weights: number,
    y: number,
    rows: number,
    cols: number,
    size: number,
    binary: boolean,
  ): void;
  /** y[b, o, i, s] = x[b, o, indices[b, i], s] (x as [batch, outer, dim, slice], indices as [batch, nIdx]). */
  gather(
    nameId: number,
    x: number,
    indices: number,
    y: number,
    batch: number,
    outer: number,
    dim: number,
    slice: number,
    nIdx: number,
  ): void;
  /** Slice i of y = slice Σ indices[i, j]·strides[j] of params; args: strides[sliceRank]. */
  gatherNd(
    nameId: number,
    params: number,
    indices: number,
    y: number,
    numSlices: number,
    sliceSize: number,
    paramsSlices: number,
    sliceRank: number,
  ): void;
  /** y[i, d] = indices[i] == d ? on : off (stored as the dtype's float32 / ToInt32(float32) value). */
  oneHot(
    nameId: number,
    indices: number,
    y: number,
    n: number,
    depth: number,
    on: number,
    off: number,
    dtype: DeviceDType,
  ): void;
  /** y[0] = start, y[i] = y[i-1] + step, each value stored before the next (tfjs-backend-cpu's recurrence). */
  range(nameId: number, dtype: DeviceDType, y: number, n: number, start: number, step: number): void;
  /**
   * Update i goes to flat slice Σ indices[i, j]·strides[j] of y (initialised by the caller): mode 0 adds
   * (duplicates sum), mode 1 replaces (the last update of a slice wins); args: strides[sliceRank].
   */
  scatter(
    nameId: number,
    mode: 0 | 1,
    dtype: DeviceDType,
    indices: number,
    updates: number,
    y: number,
    numUpdates: number,
    sliceSize: number,
    outSlices: number,
    sliceRank: number,
    updatesScalar: boolean,
  ): void;
  /** y[b, i] = insertion point of values[b, i] in the sorted seq[b, :] (right: after equal elements). */
  searchSorted(
    nameId: number,
    seqType: DeviceDType,
    valueType: DeviceDType,
    seq: number,
    values: number,
    y: number,
    batch: number,
    numSeq: number,
    numValues: number,
    right: boolean,
  ): void;
  /** UnsortedSegmentSum as tfjs-backend-cpu computes it (float32 y [numSegments, inner], zeroed first). */
  segmentSum(
    nameId: number,
    dtype: DeviceDType,
    x: number,
    ids: number,
    y: number,
    n: number,
    inner: number,
    numSegments: number,
  ): void;
  /** The k largest of each row of x [rows, n], descending, ties by lower index; keepOrder (k = n): x as it is. */
  topK(
    nameId: number,
    dtype: DeviceDType,
    x: number,
    values: number,
    indices: number,
    rows: number,
    n: number,
    k: number,
    keepOrder: boolean,
  ): void;
  /** counts[c] = the true elements of chunk c of cond (chunks of ceil(n / chunks)). */
  whereCount(
    nameId: number,
    dtype: DeviceDType,
    cond: number,
    counts: number,
    n: number,
    chunks: number,
  ): void;
  /** The coordinates of cond's true elements, row-major, into y [count, rank]; args: shape[rank]. */
  whereWrite(
    nameId: number,
    dtype: DeviceDType,
    cond: number,
    counts: number,
    y: number,
    n: number,
    chunks: number,
    count: number,
    rank: number,
  ): void;
}

/** The addon's device functions (loading the addon on first use; throws NativeAddonError if it cannot). */
export function deviceAddon(): DeviceAddon {
  const d = (addon() as { device?: unknown }).device;
  if (typeof d !== 'object' || d === null) {
    throw new Error(
      '@rocm-patch/conv-bypass: the loaded native addon has no device functions (an older build); rebuild it with `npm rebuild @rocm-patch/conv-bypass`',
    );
  }
  return d as DeviceAddon;
}
