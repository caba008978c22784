import { realpathSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, workerData } from 'node:worker_threads';
import { IDENTITY_SYMBOL, type Runtime, WORKER_DATA_KEY, type WorkerIdentity } from './protocol.js';

/** What a pool worker knows about itself. */
export interface WorkerInfo {
  /** Slot index in the pool (0 ≤ id < size); a replacement keeps the id of the worker it replaces. */
  readonly id: number;
  readonly poolName: string;
  readonly runtime: Runtime;
}

/** `import.meta` of an ES module, or any object with the module's file URL (CJS: `pathToFileURL(__filename)`). */
export interface ImportMetaLike {
  readonly url: string;
  readonly filename?: string;
}

function isIdentity(value: unknown): value is WorkerIdentity {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'number' &&
    typeof v.poolName === 'string' &&
    (v.runtime === 'thread' || v.runtime === 'process')
  );
}

/**
 * The identity of this pool worker, or undefined outside pool workers. The worker bootstrap records it
 * on a global symbol (read from workerData for threads, from an environment variable that it then
 * removes for processes, so that the worker's own children are not mistaken for pool workers).
 */
export function workerInfo(): WorkerInfo | undefined {
  const recorded = (globalThis as Record<symbol, unknown>)[IDENTITY_SYMBOL];
  const identity = isIdentity(recorded)
    ? recorded
    : !isMainThread && typeof workerData === 'object' && workerData !== null
      ? (workerData as Record<string, unknown>)[WORKER_DATA_KEY]
      : undefined;
  if (!isIdentity(identity)) return undefined;
  return Object.freeze({ id: identity.id, poolName: identity.poolName, runtime: identity.runtime });
}

/** True inside a worker started by a pool of this library (thread or process). */
export function isPoolWorker(): boolean {
  return workerInfo() !== undefined;
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function moduleFile(meta: ImportMetaLike): string {
  if (typeof meta !== 'object' || meta === null || typeof meta.url !== 'string') {
    throw new TypeError('meta must be import.meta (an object with a string `url`)');
  }
  if (typeof meta.filename === 'string') return meta.filename;
  if (!meta.url.startsWith('file:')) {
    throw new TypeError(`meta.url must be a file: URL, got ${JSON.stringify(meta.url)}`);
  }
  return fileURLToPath(meta.url);
}

/**
 * True when the module is the program's entry point: in the main thread of a process that is not a
 * pool worker, with process.argv[1] naming the module's file. The argv check alone is wrong for pool
 * workers — a process worker started on the caller's own file has the same argv[1] story as its parent
 * (the module is loaded in a fresh Node), so workers are recognized by their explicit mark first.
 */
export function isMainModule(meta: ImportMetaLike): boolean {
  const file = moduleFile(meta);
  if (isPoolWorker() || !isMainThread) return false;
  const entry = process.argv[1];
  if (typeof entry !== 'string' || entry === '') return false;
  const entryPath = realOrResolved(entry);
  const filePath = realOrResolved(file);
  if (entryPath === filePath) return true;
  // `node main` runs main.js / main.mjs: the entry may be written without its extension.
  return extname(entry) === '' && filePath.slice(0, filePath.length - extname(filePath).length) === entryPath;
}

/**
 * Runs `fn` when the module is the program's entry point (see isMainModule) and does nothing inside pool
 * workers — the Node counterpart of Python's `if __name__ == '__main__':`. Resolves with fn's result, or
 * with undefined when fn did not run; rejects when fn throws.
 */
export function runMain<T>(meta: ImportMetaLike, fn: () => T | Promise<T>): Promise<T | undefined> {
  if (typeof fn !== 'function') throw new TypeError('fn must be a function');
  if (!isMainModule(meta)) return Promise.resolve(undefined);
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}
