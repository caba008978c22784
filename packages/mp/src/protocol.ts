/**
 * The wire protocol between a pool and its workers, shared by the pool (parent side) and the worker
 * bootstrap (worker side). Both sides are bundled separately, so everything here is plain data.
 */

export type Runtime = 'thread' | 'process';

/** Environment variable that marks a process worker and carries its bootstrap configuration. */
export const WORKER_ENV_KEY = 'ROCM_PATCH_MP_WORKER';
/** Key in a thread worker's workerData that marks it and carries its bootstrap configuration. */
export const WORKER_DATA_KEY = '__rocmPatchMpWorker';
/**
 * Where the bootstrap records the worker's identity. A global symbol, because the bootstrap and the copy
 * of this library that the task module imports (ESM or CJS build, or the TS sources in tests) are
 * different module instances.
 */
export const IDENTITY_SYMBOL: unique symbol = Symbol.for('@rocm-patch/mp.worker') as never;
/** Marks a task result whose buffers move to the parent instead of being copied. */
export const TRANSFER_SYMBOL: unique symbol = Symbol.for('@rocm-patch/mp.transfer') as never;

export interface WorkerIdentity {
  /** Slot index in the pool, 0 ≤ id < size; a replacement worker keeps the id of the one it replaces. */
  readonly id: number;
  readonly poolName: string;
  readonly runtime: Runtime;
}

export interface BootstrapConfig extends WorkerIdentity {
  readonly moduleUrl: string;
  readonly parentPid: number;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string | number;
}

/** Every message carries `mp: 1` so that messages a task module sends itself are never mistaken for ours. */
export type ParentMessage =
  | { mp: 1; type: 'task'; id: number; name: string; payload: unknown }
  | { mp: 1; type: 'close' };

export type WorkerMessage =
  | { mp: 1; type: 'ready' }
  | { mp: 1; type: 'load-error'; error: SerializedError }
  | { mp: 1; type: 'result'; id: number; value: unknown }
  | { mp: 1; type: 'error'; id: number; error: SerializedError };

export function isProtocolMessage(value: unknown): value is { mp: 1; type: string } {
  return typeof value === 'object' && value !== null && (value as { mp?: unknown }).mp === 1;
}

/**
 * An error as plain data. An Error keeps its name, message, stack and code; so does an error-like object
 * (`throw { code, message }`, common in code that builds its own errors), whose name defaults to 'Error';
 * anything else is described in the message.
 */
export function serializeError(error: unknown): SerializedError {
  const like = error as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown } | null;
  if (
    error instanceof Error ||
    (typeof like === 'object' && like !== null && typeof like.message === 'string')
  ) {
    const out: SerializedError = {
      name: typeof like!.name === 'string' && like!.name !== '' ? like!.name : 'Error',
      message: String(like!.message),
    };
    if (typeof like!.stack === 'string') out.stack = like!.stack;
    const code = like!.code;
    if (typeof code === 'string' || typeof code === 'number') out.code = code;
    return out;
  }
  return { name: 'Error', message: `non-Error value thrown: ${describe(error)}` };
}

/**
 * Whether an ArrayBuffer was detached (moved away by an earlier transfer). Node's postMessage drops a
 * message whose transfer list holds one without an error, so the other side would wait for it forever:
 * both sides check their transfer lists first. ArrayBuffer.prototype.detached is newer than Node 20; there,
 * only a detached buffer (whose byteLength reads 0) refuses to be viewed.
 */
export function isDetached(value: unknown): boolean {
  if (!(value instanceof ArrayBuffer) || value.byteLength !== 0) return false;
  const own = (value as { detached?: unknown }).detached;
  if (typeof own === 'boolean') return own;
  try {
    new Uint8Array(value);
    return false;
  } catch {
    return true;
  }
}

/** The position of the first detached ArrayBuffer in a transfer list, or -1. */
export function firstDetached(transfer: readonly unknown[]): number {
  return transfer.findIndex(isDetached);
}

function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
