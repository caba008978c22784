import { isTensor, isTypedArray, shapeSize, type Tensor, type TypedArray } from './tensor.js';
import { uninitialised, type ViewConstructor } from './uninitialised.js';

/** Collated fields: each item field stacked into one tensor with a leading batch dimension. */
export interface CollatedFields {
  [field: string]: Tensor | CollatedFields;
}

/**
 * What the default collate returns when the item type is not known; `indices` holds the dataset indices
 * of the batch's samples, in order.
 */
export interface Batch {
  [field: string]: Tensor | CollatedFields | Int32Array;
  indices: Int32Array;
}

/** The type of one collated field, from the type of that field in the items. */
export type CollatedField<V> = V extends number
  ? Tensor<Int32Array | Float64Array>
  : V extends bigint
    ? Tensor<BigInt64Array>
    : V extends TypedArray
      ? Tensor<V>
      : V extends Tensor<infer D>
        ? Tensor<D>
        : V extends readonly unknown[]
          ? { [K in keyof V as K extends `${number}` ? K : never]: CollatedField<V[K]> }
          : V extends object
            ? { [K in keyof V]: CollatedField<V[K]> }
            : never;

/** What the default collate makes of items of type T; the generic Batch when T is not known (a module reference). */
export type Collated<T> = unknown extends T ? Batch : CollatedField<T> & { indices: Int32Array };

/** A collate function: items (in batch order) and their dataset indices to a batch object. */
export type CollateFn<T = unknown, B extends object = object> = (items: T[], indices: Int32Array) => B;

type TypedArrayConstructor = new (length: number) => TypedArray;

/** Where collate gets the memory of a stacked field: a fresh array by default, an arena in process workers. */
export type Allocate = (Ctor: TypedArrayConstructor, length: number) => TypedArray;

/** A fresh array: collate copies every item into it, so its memory is not zeroed first. */
const allocateFresh: Allocate = (Ctor, length) =>
  uninitialised(Ctor as unknown as ViewConstructor<TypedArray>, length);

/**
 * Stacks a batch of items. Items are objects (or arrays, whose fields are then named '0', '1', …) of
 * numbers, bigints, typed arrays, { data, shape } tensors or nested such objects. Every field becomes one
 * contiguous typed array with a leading batch dimension: numbers become an Int32Array when all are
 * int32 integers and a Float64Array otherwise, bigints a BigInt64Array, typed arrays keep their type.
 */
export function defaultCollate(items: readonly unknown[], indices: Int32Array | readonly number[]): Batch {
  return collateWith(allocateFresh, items, indices);
}

/** defaultCollate with the memory of the stacked typed-array fields taken from `allocate`. */
export function collateWith(
  allocate: Allocate,
  items: readonly unknown[],
  indices: Int32Array | readonly number[],
): Batch {
  const idx = indices instanceof Int32Array ? indices : Int32Array.from(indices);
  if (items.length === 0) throw new RangeError('collate needs at least one item');
  if (idx.length !== items.length) {
    throw new RangeError(`collate got ${items.length} items but ${idx.length} indices`);
  }
  const first = items[0];
  if (!isPlainContainer(first) || isTensor(first)) {
    throw new TypeError(
      `the default collate needs items that are plain objects or arrays of fields (dataset index ${idx[0]} gave ${describe(first)}); pass a custom collate`,
    );
  }
  if ('indices' in first) {
    throw new TypeError(
      `dataset index ${idx[0]}: an item field named 'indices' clashes with the batch's indices; rename it`,
    );
  }
  const fields = collateObject(items, idx, '', allocate);
  return Object.assign(fields, { indices: idx }) as Batch;
}

function collateObject(
  values: readonly unknown[],
  idx: Int32Array,
  path: string,
  allocate: Allocate,
): CollatedFields {
  const first = values[0] as Record<string, unknown>;
  const keys = Object.keys(first);
  const out: CollatedFields = {};
  for (let b = 1; b < values.length; b++) {
    const v = values[b];
    if (!isPlainContainer(v)) {
      throw new TypeError(
        `${path ? where(path, idx[b]) : `dataset index ${idx[b]}`} is ${describe(v)} but the batch's first item has ${Array.isArray(first) ? 'an array' : 'a plain object'} there`,
      );
    }
    const k = Object.keys(v);
    if (k.length !== keys.length || k.some((key) => !(key in first))) {
      throw new TypeError(
        `${where(path, idx[b])} has fields [${k}] but the batch's first item has [${keys}]`,
      );
    }
  }
  for (const key of keys) {
    const column = values.map((v) => (v as Record<string, unknown>)[key]);
    out[key] = collateField(column, idx, path ? `${path}.${key}` : key, allocate);
  }
  return out;
}

function collateField(
  column: unknown[],
  idx: Int32Array,
  path: string,
  allocate: Allocate,
): Tensor | CollatedFields {
  const first = column[0];
  const b = column.length;
  if (typeof first === 'number') {
    let allInt = true;
    for (let i = 0; i < b; i++) {
      const v = column[i];
      if (typeof v !== 'number') throw mismatch(path, idx[i], v, 'a number');
      if (allInt && !(Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff)) allInt = false;
    }
    const data = allInt ? new Int32Array(b) : new Float64Array(b);
    for (let i = 0; i < b; i++) data[i] = column[i] as number;
    return { data, shape: [b] };
  }
  if (typeof first === 'bigint') {
    const data = new BigInt64Array(b);
    for (let i = 0; i < b; i++) {
      const v = column[i];
      if (typeof v !== 'bigint') throw mismatch(path, idx[i], v, 'a bigint');
      data[i] = v;
    }
    return { data, shape: [b] };
  }
  if (isTypedArray(first) || isTensor(first)) {
    const firstShape = isTypedArray(first) ? [first.length] : first.shape;
    const firstData = isTypedArray(first) ? first : first.data;
    const size = shapeSize(firstShape);
    const Ctor = firstData.constructor as TypedArrayConstructor;
    const data = allocate(Ctor, b * size);
    for (let i = 0; i < b; i++) {
      const v = column[i];
      const vData = isTypedArray(v) ? v : isTensor(v) ? v.data : undefined;
      if (!vData) throw mismatch(path, idx[i], v, `a ${Ctor.name} or { data, shape } tensor`);
      if (vData.constructor !== Ctor)
        throw mismatch(path, idx[i], vData, `a ${Ctor.name} like the first item`);
      const vShape = isTypedArray(v) ? [v.length] : (v as Tensor).shape;
      if (!sameShape(vShape, firstShape)) {
        throw new RangeError(
          `${where(path, idx[i])} has shape [${vShape}] but the batch's first item has [${firstShape}]`,
        );
      }
      if (vData.length !== size) {
        throw new RangeError(
          `${where(path, idx[i])}: data.length ${vData.length} does not match shape [${vShape}]`,
        );
      }
      (data as { set(a: ArrayLike<number | bigint>, o: number): void }).set(vData, i * size);
    }
    return { data, shape: [b, ...firstShape] };
  }
  // Only plain objects and arrays are taken apart: a Date, Map, RegExp, Error or Promise has no fields of
  // its own to stack and would come out as {} — it is refused instead, naming the field and the sample.
  if (isPlainContainer(first)) return collateObject(column, idx, path, allocate);
  throw new TypeError(
    `${where(path, idx[0])} is ${describe(first)}: the default collate supports numbers, bigints, typed arrays, { data, shape } tensors and plain objects or arrays of them; pass a custom collate`,
  );
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function where(path: string, index: number | undefined): string {
  return `field '${path}' of dataset index ${index}`;
}

function mismatch(path: string, index: number | undefined, value: unknown, expected: string): TypeError {
  return new TypeError(`${where(path, index)} is ${describe(value)} but should be ${expected}`);
}

/** An array, or an object whose prototype is Object.prototype or null (what a literal `{ … }` makes). */
function isPlainContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A value as the error messages show it: its class for objects, its type and value for primitives. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    if (isPlainContainer(value)) return 'a plain object';
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== ''
      ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`
      : 'an object';
  }
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${String(value)}`;
}

/**
 * The ArrayBuffers of a batch that can move to the main thread without a copy: those owned whole by one
 * typed array (a view on part of a larger or pooled buffer is copied instead, so moving it cannot detach
 * memory the worker still uses).
 */
export function transferList(
  value: unknown,
  out = new Set<ArrayBuffer>(),
  seen = new Set<unknown>(),
): ArrayBuffer[] {
  if (typeof value === 'object' && value !== null && !seen.has(value)) {
    seen.add(value);
    if (ArrayBuffer.isView(value)) {
      const buf = value.buffer;
      if (buf instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === buf.byteLength)
        out.add(buf);
    } else {
      for (const v of Object.values(value)) transferList(v, out, seen);
    }
  }
  return [...out];
}
