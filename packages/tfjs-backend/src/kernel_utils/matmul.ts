// Batched matrix products with a fused epilogue (bias, activation), for BatchMatMul, _FusedMatMul and any
// kernel that is a GEMM (dense layers, convolutions as GEMMs). Semantics are tfjs-backend-cpu's
// batchMatMul: the batch dims broadcast by taking each operand's batch index modulo its batch count; the
// bias is added (Add's broadcasting) and the activation applied as its applyActivation does.
import { backend_util, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceDType, type RocmBackend } from '../backend.js';

export interface MatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** Added to the product (broadcast to the output's shape, usually [N]); dtype of a. */
  bias?: TensorInfo | null;
  /** TF.js's activation name (backend_util.Activation); default 'linear'. */
  activation?: string;
  /** The prelu activation's alpha (float32, broadcast to the output's shape). */
  preluWeights?: TensorInfo | null;
  leakyreluAlpha?: number;
}

/** The product's geometry. */
export interface MatMulShape {
  outShape: number[];
  /** Output batch entries, rows, columns, and the reduction length. */
  batch: number;
  M: number;
  N: number;
  K: number;
  batchA: number;
  batchB: number;
}

/** Batch count, batch stride, row stride, column stride of a device view (batch index wraps). */
type View = [number, number, number, number];

const MAX_EXTENT = 2 ** 31 - 1;
/** TF.js's activations (backend_util.Activation); the device has an epilogue for each. */
const ACTIVATIONS: readonly string[] = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'];
const NO_VIEW: View = [1, 0, 0, 0];

/**
 * The product's shape as tfjs-backend-cpu computes it; throws its errors (inner dimensions that differ,
 * batch dims that do not broadcast).
 */
export function matmulShape(
  a: TensorInfo,
  b: TensorInfo,
  transposeA = false,
  transposeB = false,
): MatMulShape {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const innerA = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const innerB = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const M = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const N = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outOuter = backend_util.assertAndGetBroadcastShape(outerA, outerB);
  util.assert(
    innerA === innerB,
    () =>
      `Error in matMul: inner shapes (${innerA}) and (${innerB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
  );
  return {
    outShape: [...outOuter, M, N],
    batch: util.sizeFromShape(outOuter),
    M,
    N,
    K: innerA,
    batchA: util.sizeFromShape(outerA),
    batchB: util.sizeFromShape(outerB),
  };
}

/**
 * The device view of an epilogue input (bias, prelu weights) of `shape` broadcast over `outShape`, or why
 * the device cannot take it: its batch dims (after leading 1s) must be the output's trailing batch dims
 * (so its batch index is the output's modulo its batch count), and it must not enlarge the output.
 */
function epilogueView(shape: readonly number[], outShape: readonly number[]): View | string {
  let broadcast: number[];
  try {
    broadcast = backend_util.assertAndGetBroadcastShape([...shape], [...outShape]);
  } catch {
    return 'does not broadcast to the product';
  }
  if (!util.arraysEqual(broadcast, [...outShape])) return 'broadcasts the product to a larger shape';
  const s = shape.length >= 2 ? [...shape] : [...new Array<number>(2 - shape.length).fill(1), ...shape];
  const rows = s[s.length - 2]!;
  const cols = s[s.length - 1]!;
  const lead = s.slice(0, -2);
  while (lead.length > 0 && lead[0] === 1) lead.shift();
  const outOuter = outShape.slice(0, -2);
  if (!util.arraysEqual(lead, outOuter.slice(outOuter.length - lead.length)))
    return 'broadcasts inside the batch dims';
  return [Math.max(1, util.sizeFromShape(lead)), rows * cols, rows === 1 ? 0 : cols, cols === 1 ? 0 : 1];
}

function activationOf(options: MatMulOptions): string {
  return options.activation ?? 'linear';
}

/** Why the device kernel does not take these arguments (they take the host path), or undefined. */
export function matmulRefusal(a: TensorInfo, b: TensorInfo, options: MatMulOptions = {}): string | undefined {
  if (a.shape.length < 2 || b.shape.length < 2) return 'an operand of rank < 2';
  if (a.dtype !== b.dtype) return 'operands of different dtypes';
  if (a.dtype !== 'float32' && a.dtype !== 'int32') return `${a.dtype} operands`;
  let s: MatMulShape;
  try {
    s = matmulShape(a, b, options.transposeA, options.transposeB);
  } catch {
    return undefined; // the kernel throws tfjs-backend-cpu's error
  }
  if (s.batch !== Math.max(s.batchA, s.batchB))
    return 'batch dims that broadcast in both operands (the cpu backend wraps batch indices)';
  if (s.M > MAX_EXTENT || s.N > MAX_EXTENT || s.K > MAX_EXTENT) return 'a matrix dimension of 2^31 or more';
  if (options.bias) {
    if (options.bias.dtype !== a.dtype) return 'a bias of another dtype';
    const v = epilogueView(options.bias.shape, s.outShape);
    if (typeof v === 'string') return `a bias that ${v}`;
  }
  const activation = activationOf(options);
  if (!ACTIVATIONS.includes(activation)) return `activation '${activation}'`;
  if (a.dtype === 'int32' && (activation === 'leakyrelu' || activation === 'prelu'))
    return `int32 operands with activation '${activation}' (a float32 result)`;
  if (activation === 'prelu') {
    const w = options.preluWeights;
    if (!w) return 'prelu without weights';
    if (w.dtype !== 'float32') return `${w.dtype} prelu weights`;
    const v = epilogueView(w.shape, s.outShape);
    if (typeof v === 'string') return `prelu weights that ${v}`;
  }
  return undefined;
}

const activationCodes = new WeakMap<RocmBackend, Map<string, number>>();
function activationCode(backend: RocmBackend, name: string): number {
  let t = activationCodes.get(backend);
  if (!t) {
    t = new Map(backend.device.activationNames().map((n, i) => [n, i]));
    activationCodes.set(backend, t);
  }
  const c = t.get(name);
  if (c === undefined)
    throw new Error(`the native addon has no activation '${name}' (rebuild @rocm-patch/conv-bypass)`);
  return c;
}

/**
 * activation(op(a) · op(b) + bias) on the device, op transposing the last two dims when asked. The
 * result has a's dtype. Throws on arguments matmulRefusal refuses: check it first.
 */
export function matmul(
  backend: RocmBackend,
  a: TensorInfo,
  b: TensorInfo,
  options: MatMulOptions = {},
): TensorInfo {
  const s = matmulShape(a, b, options.transposeA, options.transposeB);
  const refused = matmulRefusal(a, b, options);
  if (refused !== undefined) throw new Error(`matmul: the device kernel does not take ${refused}`);
  const out = backend.makeTensorInfo(s.outShape, a.dtype);
  if (s.batch * s.M * s.N === 0) return out;
  const { M, N, K } = s;
  const activation = activationOf(options);
  const viewA: View = options.transposeA
    ? [Math.max(1, s.batchA), M * K, 1, M]
    : [Math.max(1, s.batchA), M * K, K, 1];
  const viewB: View = options.transposeB
    ? [Math.max(1, s.batchB), K * N, 1, K]
    : [Math.max(1, s.batchB), K * N, N, 1];
  const bias = options.bias ?? null;
  const prelu = activation === 'prelu' ? (options.preluWeights ?? null) : null;
  const viewBias = bias ? (epilogueView(bias.shape, s.outShape) as View) : NO_VIEW;
  const viewPrelu = prelu ? (epilogueView(prelu.shape, s.outShape) as View) : NO_VIEW;
  const args = backend.args;
  let i = 0;
  for (const v of [s.batch, M, N, K, ...viewA, ...viewB, ...viewBias, ...viewPrelu]) args[i++] = v;
  backend.device.matmul(
    backend.activeName,
    deviceDType(a.dtype),
    backend.bufferOf(a),
    backend.bufferOf(b),
    bias ? backend.bufferOf(bias) : -1,
    prelu ? backend.bufferOf(prelu) : -1,
    backend.bufferOf(out),
    activationCode(backend, activation),
    options.leakyreluAlpha ?? Number.NaN,
  );
  return out;
}
