// The tensor a convolution writes: the caller's `out` after checking that it does not share memory with
// an input (the kernels read the inputs while they write the output), or a new one.
import { checkShapeEquals, checkTensor, shapeSize } from './geometry.js';
import { addon } from './native.js';
import type { Tensor4 } from './types.js';

type Shape4 = [number, number, number, number];

function isArrayBuffer(buffer: ArrayBufferLike): boolean {
  return Object.prototype.toString.call(buffer) === '[object ArrayBuffer]';
}

/**
 * Whether the elements of `a` and `b` share memory. Views of one ArrayBuffer compare their ranges;
 * two ArrayBuffers never share memory; but one SharedArrayBuffer's memory is seen through a different
 * object in every worker (and after every structuredClone), so shared memory is compared by address.
 */
export function sharesMemory(a: Float32Array, b: Float32Array): boolean {
  if (a.buffer === b.buffer) {
    return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
  }
  if (isArrayBuffer(a.buffer) || isArrayBuffer(b.buffer)) return false;
  return addon().float32ArraysOverlap(a, b);
}

/**
 * The caller's `out` after checking its shape and that it does not alias an input, or undefined when
 * there is none (the result then goes into a new tensor: newTensor, or one the async call makes).
 */
export function checkOut(
  out: Tensor4 | undefined,
  shape: Shape4,
  inputs: Record<string, Float32Array>,
  fn: string,
): Tensor4 | undefined {
  if (out === undefined) return undefined;
  checkTensor(out, 'out', fn);
  checkShapeEquals(out, shape, 'out', fn);
  for (const [name, data] of Object.entries(inputs)) {
    if (sharesMemory(out.data, data))
      throw new RangeError(`${fn}: out.data overlaps ${name}, the output must not alias an input`);
  }
  return out;
}

/** A new zero-filled tensor of `shape`. */
export function newTensor(shape: Shape4): Tensor4 {
  return { data: new Float32Array(shapeSize(shape)), shape: [...shape] };
}
