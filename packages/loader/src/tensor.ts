/** The typed arrays a batch field may hold. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** A dense row-major tensor: `data.length` equals the product of `shape`. */
export interface Tensor<D extends TypedArray = TypedArray> {
  data: D;
  shape: number[];
}

export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

export function isTensor(value: unknown): value is Tensor {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as { data?: unknown; shape?: unknown };
  return isTypedArray(t.data) && Array.isArray(t.shape);
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
