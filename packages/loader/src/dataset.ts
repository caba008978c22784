import { checkOptionKeys, formatValue } from '@rocm-patch/env';
import type { Rng } from './rng.js';

/** What `getItem` receives beside the index. */
export interface ItemContext {
  /**
   * The sample's own random stream, seeded from (loader seed, epoch, index). Augmentations that draw
   * from it give the same values for the same seed whatever the number of workers or which worker ran them.
   */
  rng: Rng;
  /** The epoch being loaded. */
  epoch: number;
  /** The loader's base seed. */
  seed: number;
  /** The loader worker computing this item, or null in the main process (numWorkers 0). */
  workerId: number | null;
}

/** A map-style dataset: a length and random access by index (sync or async). */
export interface MapDataset<T = unknown> {
  readonly length: number;
  getItem(index: number, context: ItemContext): T | Promise<T>;
  /** Called at the start of every epoch (in each worker, and in the main process with numWorkers 0). */
  setEpoch?(epoch: number): void;
}

/**
 * An iterable-style dataset: a (sync or async) iterable of items. With workers, every worker iterates
 * its own copy; shard inside the iterator with `workerInfo()` or every worker yields everything.
 */
export type IterableDataset<T = unknown> = (AsyncIterable<T> | Iterable<T>) & {
  setEpoch?(epoch: number): void;
};

/**
 * How a worker constructs something it cannot receive as a value (a dataset, a collate function, a
 * worker initialiser): the module that exports it, the export's name and constructor/factory arguments.
 * `module` is an absolute path, a file: URL or a package specifier. A class export is called with `new`,
 * a function export is called (and awaited), any other export is used as it is (then `args` must be empty).
 * `args` travel by structured clone, once per worker.
 */
export interface ModuleRef {
  module: string | URL;
  export?: string;
  args?: readonly unknown[];
}

/** Datasets that know how workers can rebuild them (the built-in ones) expose their reference here. */
export const moduleRefSymbol: unique symbol = Symbol.for('@rocm-patch/loader.moduleRef') as never;

/** A dataset instance that can also be sent to workers: it carries its own module reference. */
export interface PortableDataset {
  [moduleRefSymbol](): ModuleRef;
}

export type DatasetKind = 'map' | 'iterable';

export function isModuleRef(value: unknown): value is ModuleRef {
  if (typeof value !== 'object' || value === null) return false;
  const m = (value as { module?: unknown }).module;
  return (typeof m === 'string' || m instanceof URL) && !('getItem' in value);
}

export function portableRefOf(value: unknown): ModuleRef | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fn = (value as Partial<PortableDataset>)[moduleRefSymbol];
  return typeof fn === 'function' ? fn.call(value) : undefined;
}

export function datasetKind(dataset: unknown, name = 'options.dataset'): DatasetKind {
  if (typeof dataset === 'object' && dataset !== null) {
    const d = dataset as { length?: unknown; getItem?: unknown };
    if (typeof d.getItem === 'function') {
      if (typeof d.length !== 'number' || !Number.isInteger(d.length) || d.length < 0) {
        throw new TypeError(`${name}.length must be a non-negative integer, got ${formatValue(d.length)}`);
      }
      return 'map';
    }
    if (Symbol.asyncIterator in dataset || Symbol.iterator in dataset) return 'iterable';
  }
  throw new TypeError(
    `${name} must be a map-style dataset ({ length, getItem(index) }), an iterable of items, or a module reference { module, export, args }`,
  );
}

/**
 * Checks a module reference's shape (it must survive structured cloning) and returns it with `module`
 * as a string.
 */
export function normaliseModuleRef(ref: ModuleRef, name: string): Required<ModuleRef> & { module: string } {
  // A misspelt key (`exports`, `arguments`) would quietly load the default export with no arguments.
  checkOptionKeys('new DataLoader', name, ref, ['module', 'export', 'args']);
  const module = ref.module instanceof URL ? ref.module.href : ref.module;
  if (typeof module !== 'string' || module.length === 0) {
    throw new TypeError(`${name}.module must be a non-empty path, file: URL or package specifier`);
  }
  if (module.startsWith('./') || module.startsWith('../')) {
    throw new TypeError(
      `${name}.module must be absolute (a relative path means nothing inside a worker): use new URL('${module}', import.meta.url)`,
    );
  }
  const exportName = ref.export ?? 'default';
  if (typeof exportName !== 'string') throw new TypeError(`${name}.export must be a string`);
  const args = ref.args ?? [];
  if (!Array.isArray(args)) throw new TypeError(`${name}.args must be an array`);
  assertCloneable(args, `${name}.args`);
  return { module, export: exportName, args };
}

function assertCloneable(value: unknown, path: string, seen = new Set<unknown>()): void {
  if (typeof value === 'function') {
    throw new TypeError(
      `${path} is a function: functions cannot be sent to workers; export it from a module and pass a module reference { module, export }`,
    );
  }
  if (typeof value !== 'object' || value === null || seen.has(value) || ArrayBuffer.isView(value)) return;
  seen.add(value);
  for (const [key, v] of Object.entries(value)) assertCloneable(v, `${path}.${key}`, seen);
}
