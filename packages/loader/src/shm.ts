/**
 * Process workers hand large batches over through a file in shared memory (/dev/shm) instead of the IPC
 * pipe: serialising a 19 MB batch through the pipe costs the main process about 100 ms of CPU, writing and
 * reading it through tmpfs a few ms. The batch's typed arrays are replaced by placeholders that point
 * into the file; the main process reads the file once, rebuilds the arrays as views on that one buffer,
 * and deletes it. Threads never need this: their batches move by transfer.
 */
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writevSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SHM_ROOT, shmDirPrefix, sweepDeadShmDirs, trackShmDir, untrackShmDir } from './shm-cleanup.js';

/** Batches smaller than this go through IPC: the file round trip only pays off for large ones. */
export const SHM_MIN_BYTES = 1 << 20;
const ALIGN = 8;
const PLACEHOLDER = '__rocmPatchLoaderShm';

interface Placeholder {
  [PLACEHOLDER]: true;
  type: string;
  offset: number;
  length: number;
}

/** An object literal's kind (prototype Object.prototype or null): the only objects a batch is rebuilt from field by field. */
export function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A private directory for one loader's batch files, or null where there is no /dev/shm. Directories that
 * processes killed earlier left behind are swept first; this one is removed at exit or on a terminating
 * signal if the loader is not closed before (see shm-cleanup.ts).
 */
export function createShmDir(): string | null {
  if (process.platform !== 'linux' || !existsSync(SHM_ROOT)) return null;
  sweepDeadShmDirs();
  let dir: string;
  try {
    dir = mkdtempSync(shmDirPrefix());
  } catch {
    return null;
  }
  trackShmDir(dir);
  return dir;
}

export function removeShmDir(dir: string | null): void {
  if (!dir) return;
  untrackShmDir(dir);
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 10 });
}

let counter = 0;

function newFileName(dir: string): string {
  counter += 1;
  return join(dir, `${process.pid}-${counter}.batch`);
}

/** Opens the last spare file for overwriting (it stays last in `spare` until the write is done); null if none is left. */
function openSpare(spare: string[]): number | null {
  while (spare.length > 0) {
    try {
      return openSync(spare[spare.length - 1]!, 'r+');
    } catch {
      spare.pop(); // gone (its directory was removed): try the next
    }
  }
  return null;
}

/**
 * Writes the batch's typed arrays into one file in `dir` and returns the batch with placeholders, or null
 * when the batch is small or the write fails (a full /dev/shm: the caller then uses IPC). A file from
 * `spare` (one the main process has finished reading) is overwritten if there is one: its pages already
 * exist, so the write is a plain copy, where a new file costs tmpfs a zeroed page per 4 KiB as well
 * (a 19 MB batch: ~2.5 ms against ~5.5 ms).
 */
export function packToFile<T extends object>(
  batch: T,
  dir: string,
  spare: string[] = [],
): { batch: T; file: string; bytes: number } | null {
  const views: ArrayBufferView[] = [];
  const seen = new Set<unknown>();
  const collect = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (ArrayBuffer.isView(value)) {
      if (!(value instanceof DataView)) views.push(value);
    } else if (Array.isArray(value) || isPlainObject(value)) for (const v of Object.values(value)) collect(v);
  };
  collect(batch);
  let total = 0;
  const offsets = new Map<ArrayBufferView, number>();
  const chunks: Uint8Array[] = [];
  for (const view of views) {
    const pad = (ALIGN - (total % ALIGN)) % ALIGN;
    if (pad) chunks.push(new Uint8Array(pad));
    total += pad;
    offsets.set(view, total);
    chunks.push(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    total += view.byteLength;
  }
  if (total < SHM_MIN_BYTES) return null;
  let fd = openSpare(spare);
  const file = fd === null ? newFileName(dir) : spare.pop()!;
  try {
    fd ??= openSync(file, 'w');
    try {
      // writev may write less than asked; loop until every chunk is out.
      let pending = chunks;
      while (pending.length > 0) {
        let written = writevSync(fd, pending);
        const rest: Uint8Array[] = [];
        for (const chunk of pending) {
          if (written >= chunk.byteLength) written -= chunk.byteLength;
          else {
            rest.push(new Uint8Array(chunk.buffer, chunk.byteOffset + written, chunk.byteLength - written));
            written = 0;
          }
        }
        pending = rest;
      }
    } finally {
      closeSync(fd);
    }
  } catch {
    rmSync(file, { force: true });
    return null;
  }
  const replace = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (ArrayBuffer.isView(value)) {
      const offset = offsets.get(value);
      if (offset === undefined) return value;
      const length = (value as unknown as { length: number }).length;
      return { [PLACEHOLDER]: true, type: value.constructor.name, offset, length } satisfies Placeholder;
    }
    if (Array.isArray(value)) return value.map(replace);
    if (!isPlainObject(value)) return value; // a Date, Map… crosses by structured clone as it is
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
  };
  return { batch: replace(batch) as T, file, bytes: total };
}

type ViewConstructor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;

const constructors: Record<string, ViewConstructor> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as unknown as Record<string, ViewConstructor>;

/**
 * Reads the batch file (its first `bytes`) and puts views on its contents where the placeholders are.
 * The file is deleted unless `keep` (the caller hands it back to its worker for reuse); it is deleted
 * when the read fails either way. The read runs on libuv's thread pool, so the main thread is not held
 * for the copy and its page faults (~10 ms for a 19 MB batch), which would delay the next task for every
 * other worker.
 */
export async function unpackFromFile<T>(batch: T, file: string, bytes: number, keep = false): Promise<T> {
  let buffer: ArrayBuffer;
  let read = false;
  try {
    // A buffer of its own (byteOffset 0, not pooled), so the views keep their alignment and can be transferred onwards.
    const bytesView = Buffer.allocUnsafeSlow(bytes);
    const handle = await open(file, 'r');
    try {
      let done = 0;
      while (done < bytes) {
        const { bytesRead } = await handle.read(bytesView, done, bytes - done, done);
        if (bytesRead === 0) throw new Error(`batch file ${file} holds ${done} bytes, expected ${bytes}`);
        done += bytesRead;
      }
    } finally {
      await handle.close();
    }
    buffer = bytesView.buffer as ArrayBuffer;
    read = true;
  } finally {
    if (!(read && keep)) await discardFile(file);
  }
  const restore = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
    const p = value as Partial<Placeholder>;
    if (p[PLACEHOLDER] === true) {
      const Ctor = constructors[p.type!];
      if (!Ctor) throw new TypeError(`unknown typed array type ${String(p.type)} in a batch file`);
      return new Ctor(buffer, p.offset!, p.length!);
    }
    if (Array.isArray(value)) return value.map(restore);
    if (!isPlainObject(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restore(v)]));
  };
  return restore(batch) as T;
}

/** Deletes batch files in the background (spare files whose task never reached a worker that took them). */
export function discardFiles(files: readonly string[]): void {
  for (const file of files) void discardFile(file);
}

/** Deletes a batch file nobody will read (an abandoned batch); a file already gone is fine. */
export async function discardFile(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch {
    // already gone (or its directory was removed by close): nothing to clean up
  }
}

/**
 * The main process's side of batch-file reuse: files it has read, per worker, to be handed back to that
 * worker with its next task. A file is handed out once; one in a task that never ran is deleted.
 */
export class SpareBatchFiles {
  readonly #byWorker = new Map<number, string[]>();

  giveBack(worker: number, file: string): void {
    const list = this.#byWorker.get(worker);
    if (list) list.push(file);
    else this.#byWorker.set(worker, [file]);
  }

  /** The files to send with worker `worker`'s next task (now theirs). */
  take(worker: number): string[] {
    const list = this.#byWorker.get(worker);
    this.#byWorker.delete(worker);
    return list ?? [];
  }
}

/** Spare files a worker keeps at most; more (after a burst of batches in flight) are deleted. */
export const MAX_SPARE_FILES = 4;

/** Worker side: takes the files the main process handed back into `spare`, deleting those past the cap. */
export function keepSpareFiles(spare: string[], files: readonly string[] | undefined, dir: string): void {
  for (const file of files ?? []) {
    // Only files of this loader's directory: a worker never writes or deletes anywhere else.
    if (!file.startsWith(`${dir}/`)) continue;
    if (spare.length < MAX_SPARE_FILES) spare.push(file);
    else rmSync(file, { force: true });
  }
}
