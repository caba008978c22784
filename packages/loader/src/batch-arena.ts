/**
 * Memory a process worker collates its batches into and reuses batch after batch. A batch from a process
 * worker is copied into a shared-memory file as soon as it is collated, so its arrays are dead right
 * after: collating into fresh arrays instead would cost a page fault per 4 KiB of every batch (a 19 MB
 * batch: ~5,000 faults, about as much CPU as the copy itself) and churn the allocator.
 */
import type { Allocate } from './collate.js';
import type { TypedArray } from './tensor.js';

/** Element alignment of every allocation: enough for Float64Array and BigInt64Array. */
const ALIGN = 8;
/** The smallest buffer: small fields (labels, indices) share one instead of growing it step by step. */
const MIN_BYTES = 64 * 1024;

export class BatchArena {
  #buffer = new ArrayBuffer(0);
  #used = 0;

  /** Starts a new batch: the arrays handed out for the previous one are overwritten from now on. */
  reset(): void {
    this.#used = 0;
  }

  /** Bytes held (for tests and diagnostics). */
  get capacity(): number {
    return this.#buffer.byteLength;
  }

  readonly allocate: Allocate = (Ctor, length) => {
    const bytes = length * (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    const start = Math.ceil(this.#used / ALIGN) * ALIGN;
    if (start + bytes > this.#buffer.byteLength) {
      // Grow to at least twice the size; arrays already handed out for this batch keep the old buffer.
      this.#buffer = new ArrayBuffer(Math.max(bytes, 2 * this.#buffer.byteLength, MIN_BYTES));
      this.#used = 0;
      return this.allocate(Ctor, length);
    }
    this.#used = start + bytes;
    return new (Ctor as unknown as new (b: ArrayBuffer, o: number, n: number) => TypedArray)(
      this.#buffer,
      start,
      length,
    );
  };
}
