import { checkOptionKeys, formatValue } from '@rocm-patch/env';
import type { Runtime } from './protocol.js';

/** Process-wide defaults for loaders created afterwards; see patchDataLoader. */
export interface DataLoaderDefaults {
  numWorkers: number;
  prefetchFactor: number;
  persistentWorkers: boolean;
  runtime: Runtime;
}

const builtin: DataLoaderDefaults = Object.freeze({
  numWorkers: 0,
  prefetchFactor: 2,
  persistentWorkers: false,
  runtime: 'thread',
});

// A global symbol so that the ESM and CJS builds loaded side by side share one setting.
const DEFAULTS_SYMBOL = Symbol.for('@rocm-patch/loader.defaults');

function store(): { current: DataLoaderDefaults } {
  const g = globalThis as Record<symbol, { current: DataLoaderDefaults } | undefined>;
  g[DEFAULTS_SYMBOL] ??= { current: builtin };
  return g[DEFAULTS_SYMBOL];
}

export function loaderDefaults(): Readonly<DataLoaderDefaults> {
  return store().current;
}

/**
 * Sets process-wide defaults (persistent workers, runtime, prefetch factor, number of workers) for
 * DataLoaders created afterwards; options a loader passes itself win. Returns a function that restores
 * the previous defaults.
 */
export function patchDataLoader(defaults: Partial<DataLoaderDefaults> = {}): () => void {
  if (typeof defaults !== 'object' || defaults === null) {
    throw new TypeError(`patchDataLoader: defaults must be an object, got ${formatValue(defaults)}`);
  }
  checkOptionKeys('patchDataLoader', 'defaults', defaults, Object.keys(builtin));
  const previous = store().current;
  const next = { ...previous };
  if (defaults.numWorkers !== undefined)
    next.numWorkers = checkCount(defaults.numWorkers, 'defaults.numWorkers', 0);
  if (defaults.prefetchFactor !== undefined) {
    next.prefetchFactor = checkCount(defaults.prefetchFactor, 'defaults.prefetchFactor', 1);
  }
  if (defaults.persistentWorkers !== undefined) {
    if (typeof defaults.persistentWorkers !== 'boolean') {
      throw new TypeError(
        `defaults.persistentWorkers must be a boolean, got ${formatValue(defaults.persistentWorkers)}`,
      );
    }
    next.persistentWorkers = defaults.persistentWorkers;
  }
  if (defaults.runtime !== undefined) next.runtime = checkRuntime(defaults.runtime, 'defaults.runtime');
  store().current = Object.freeze(next);
  return () => {
    store().current = previous;
  };
}

export function checkCount(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 1024) {
    throw new RangeError(`${name} must be an integer in [${min}, 1024], got ${formatValue(value)}`);
  }
  return value;
}

export function checkRuntime(value: unknown, name: string): Runtime {
  if (value !== 'thread' && value !== 'process') {
    throw new TypeError(`${name} must be 'thread' or 'process', got ${formatValue(value)}`);
  }
  return value;
}
