/**
 * Process workers hand large batches over through a file in shared memory (/dev/shm) instead of the IPC
 * pipe: serialising a 19 MB batch through the pipe costs the main process about 100 ms of CPU, writing and
 * reading it through tmpfs a few ms. The batch's typed arrays are replaced by placeholders that point
 * into the file; the main process reads the file once, rebuilds the arrays as views on that one buffer,
 * and deletes it. Threads never need this: their batches move by transfer.
 */
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writevSync,
} from 'node:fs';
import { join } from 'node:path';

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

const liveDirs = new Set<string>();
let exitHook = false;

/** A private directory for one loader's batch files, or null where there is no /dev/shm. */
export function createShmDir(): string | null {
  if (process.platform !== 'linux' || !existsSync('/dev/shm')) return null;
  let dir: string;
  try {
    dir = mkdtempSync(join('/dev/shm', `rocm-patch-loader-${process.pid}-`));
  } catch {
    return null;
  }
  liveDirs.add(dir);
  if (!exitHook) {
    // Backstop for a program that exits without closing its loader: /dev/shm outlives processes.
    exitHook = true;
    process.on('exit', () => {
      for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

export function removeShmDir(dir: string | null): void {
  if (!dir) return;
  liveDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

let counter = 0;

/**
 * Writes the batch's typed arrays into one file in `dir` and returns the batch with placeholders, or null
 * when the batch is small or the write fails (a full /dev/shm: the caller then uses IPC).
 */
export function packToFile<T extends object>(batch: T, dir: string): { batch: T; file: string } | null {
  const views: ArrayBufferView[] = [];
  const seen = new Set<unknown>();
  const collect = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (ArrayBuffer.isView(value)) {
      if (!(value instanceof DataView)) views.push(value);
    } else for (const v of Object.values(value)) collect(v);
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
  counter += 1;
  const file = join(dir, `${process.pid}-${counter}.batch`);
  try {
    const fd = openSync(file, 'w');
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
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
  };
  return { batch: replace(batch) as T, file };
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

/** Reads and deletes the batch file, and puts views on its contents where the placeholders are. */
export function unpackFromFile<T>(batch: T, file: string): T {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } finally {
    try {
      unlinkSync(file);
    } catch {
      // already gone: nothing to clean up
    }
  }
  // A buffer of its own, so the views can be transferred onwards and byteOffset 0 keeps them aligned.
  const buffer =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? (bytes.buffer as ArrayBuffer)
      : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const restore = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
    const p = value as Partial<Placeholder>;
    if (p[PLACEHOLDER] === true) {
      const Ctor = constructors[p.type!];
      if (!Ctor) throw new TypeError(`unknown typed array type ${String(p.type)} in a batch file`);
      return new Ctor(buffer, p.offset!, p.length!);
    }
    if (Array.isArray(value)) return value.map(restore);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restore(v)]));
  };
  return restore(batch) as T;
}
