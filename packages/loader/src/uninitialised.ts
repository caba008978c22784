/**
 * Typed arrays whose memory is not zeroed first, for the large arrays that are overwritten whole right
 * after (a collated batch, a decoded image): zeroing a 19 MB batch is a pass over memory the copy makes
 * again. Small arrays (below 64 KiB) are allocated as usual: there the zeroing costs nothing worth saving.
 */
export interface ViewConstructor<T extends ArrayBufferView> {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

export function uninitialised<T extends ArrayBufferView>(Ctor: ViewConstructor<T>, length: number): T {
  const bytes = length * Ctor.BYTES_PER_ELEMENT;
  // allocUnsafeSlow: a buffer of its own, not a slice of Node's pool, so the array can be transferred.
  const buffer =
    bytes < 65536 ? new ArrayBuffer(bytes) : (Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer);
  return new Ctor(buffer, 0, length);
}
