// Elementwise launches shared by many kernels: unary maps (Cast too), broadcast binary maps, Select,
// strided copies and fills. Each allocates its output (named after the running kernel) and enqueues.
import { backend_util, type DataType, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceDType, type RocmBackend } from '../backend.js';
import { broadcastStrides, collapse, contiguousStrides } from './shape.js';

export const MAX_RANK = 8;

interface OpCodes {
  unary: Record<string, number>;
  binary: Record<string, number>;
}
const codes = new WeakMap<RocmBackend, OpCodes>();

function table(names: string[]): Record<string, number> {
  const t: Record<string, number> = {};
  names.forEach((n, i) => {
    t[n] = i;
  });
  return t;
}

/** The device's op codes (read once per backend from the addon's name tables). */
export function opCodes(backend: RocmBackend): OpCodes {
  let c = codes.get(backend);
  if (!c) {
    const names = backend.device.elementwiseOps();
    c = { unary: table(names.unary), binary: table(names.binary) };
    codes.set(backend, c);
  }
  return c;
}

function code(t: Record<string, number>, op: string, family: string): number {
  const c = t[op];
  if (c === undefined)
    throw new Error(`the native addon has no ${family} op '${op}' (rebuild @rocm-patch/conv-bypass)`);
  return c;
}

/** y = op(x) elementwise; the compute happens in float (float32 in and out) or double (int32 involved). */
export function unary(
  backend: RocmBackend,
  op: string,
  x: TensorInfo,
  outDtype: DataType,
  p0 = 0,
  p1 = 0,
): TensorInfo {
  const out = backend.makeTensorInfo([...x.shape], outDtype);
  const n = util.sizeFromShape(x.shape);
  backend.device.unary(
    backend.activeName,
    code(opCodes(backend).unary, op, 'unary'),
    deviceDType(x.dtype),
    deviceDType(outDtype),
    backend.bufferOf(x),
    backend.bufferOf(out),
    n,
    p0,
    p1,
  );
  return out;
}

/** x converted to `dtype` (int32 → float32, float32 → int32 truncating, anything → bool as x != 0). */
export function castTo(backend: RocmBackend, x: TensorInfo, dtype: DataType): TensorInfo {
  if (dtype === 'bool') return unary(backend, 'NotZero', x, 'bool');
  if (x.dtype === 'bool' && dtype === 'int32') {
    // Same representation (int32 0/1): share the data.
    return backend.aliasTensorInfo(x, [...x.shape], 'int32');
  }
  return unary(backend, 'Identity', x, dtype);
}

function writeArgs(backend: RocmBackend, rows: readonly (readonly number[])[]): void {
  const a = backend.args;
  let i = 0;
  for (const row of rows) for (const v of row) a[i++] = v;
}

/** y = op(a, b) with NumPy broadcasting; both inputs share a dtype (TF.js's ops make their types match). */
export function binary(
  backend: RocmBackend,
  op: string,
  a: TensorInfo,
  b: TensorInfo,
  outDtype: DataType,
): TensorInfo {
  const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const out = backend.makeTensorInfo(outShape, outDtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  const c = collapse(outShape, [broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape)]);
  writeArgs(backend, [c.shape, c.strides[0]!, c.strides[1]!]);
  backend.device.binary(
    backend.activeName,
    code(opCodes(backend).binary, op, 'binary'),
    deviceDType(a.dtype),
    deviceDType(outDtype),
    backend.bufferOf(a),
    backend.bufferOf(b),
    backend.bufferOf(out),
    c.shape.length,
  );
  return out;
}

/** y = cond ? a : b, broadcast over `outShape`. */
export function select(
  backend: RocmBackend,
  cond: TensorInfo,
  a: TensorInfo,
  b: TensorInfo,
  outShape: number[],
  condStrides: number[],
): TensorInfo {
  const out = backend.makeTensorInfo(outShape, a.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  const c = collapse(outShape, [
    condStrides,
    broadcastStrides(a.shape, outShape),
    broadcastStrides(b.shape, outShape),
  ]);
  writeArgs(backend, [c.shape, c.strides[0]!, c.strides[1]!, c.strides[2]!]);
  backend.device.select(
    backend.activeName,
    deviceDType(a.dtype),
    backend.bufferOf(cond),
    backend.bufferOf(a),
    backend.bufferOf(b),
    backend.bufferOf(out),
    c.shape.length,
  );
  return out;
}

/**
 * Copies the elements of x seen through a strided view (shape `shape`, strides `xStrides` from element
 * `xBase`) into `out` at `outBase` with strides `outStrides` (default: a new contiguous tensor).
 */
export function stridedCopy(
  backend: RocmBackend,
  x: TensorInfo,
  shape: number[],
  xStrides: number[],
  xBase: number,
  out?: { info: TensorInfo; strides: number[]; base: number },
): TensorInfo {
  const target = out ?? {
    info: backend.makeTensorInfo([...shape], x.dtype),
    strides: contiguousStrides(shape),
    base: 0,
  };
  if (util.sizeFromShape(shape) === 0) return target.info;
  const c = collapse(shape, [xStrides, target.strides]);
  writeArgs(backend, [c.shape, c.strides[0]!, c.strides[1]!]);
  backend.device.copy(
    backend.activeName,
    backend.bufferOf(x),
    backend.bufferOf(target.info),
    c.shape.length,
    xBase,
    target.base,
  );
  return target.info;
}

/** A new tensor of `shape` filled with `value`. */
export function fill(backend: RocmBackend, shape: number[], dtype: DataType, value: number): TensorInfo {
  const out = backend.makeTensorInfo(shape, dtype);
  const n = util.sizeFromShape(shape);
  if (n > 0) backend.device.fill(backend.activeName, backend.bufferOf(out), n, value, deviceDType(dtype), 0);
  return out;
}

/** Whether a rank fits the device kernels' index arithmetic. */
export function rankRefusal(...shapes: (readonly number[])[]): string | undefined {
  for (const s of shapes) if (s.length > MAX_RANK) return `rank ${s.length} > ${MAX_RANK}`;
  return undefined;
}
