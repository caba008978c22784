import type { TransferListItem } from 'node:worker_threads';
import { TRANSFER_SYMBOL } from './protocol.js';

/** A task result wrapped by withTransfer. */
export interface TransferredResult<T> {
  readonly [TRANSFER_SYMBOL]: true;
  readonly value: T;
  readonly transfer: readonly TransferListItem[];
}

function buffersOf(value: unknown): TransferListItem[] {
  if (value instanceof ArrayBuffer) return [value];
  if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) return [value.buffer];
  return [];
}

/**
 * Wraps a task's result so that its buffers move to the caller instead of being copied (thread workers;
 * process workers always copy). `transfer` defaults to the buffer of `value` when it is an ArrayBuffer or
 * a typed array. The worker must not use the moved buffers afterwards: they are detached.
 */
export function withTransfer<T>(
  value: T,
  transfer: readonly TransferListItem[] = buffersOf(value),
): TransferredResult<T> {
  if (!Array.isArray(transfer)) throw new TypeError('transfer must be an array of transferable objects');
  return Object.freeze({ [TRANSFER_SYMBOL]: true as const, value, transfer });
}

export function isTransferredResult(value: unknown): value is TransferredResult<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[TRANSFER_SYMBOL] === true
  );
}
