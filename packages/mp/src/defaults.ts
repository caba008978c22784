import { availableParallelism } from 'node:os';
import { checkOptionKeys, formatValue } from '@rocm-patch/env';
import type { Runtime } from './protocol.js';

/** Defaults applied to pools created afterwards; see setupMultiprocessing. */
export interface MultiprocessingDefaults {
  /** 'process' by default: only process workers can be kept away from the GPU. */
  runtime: Runtime;
  /** Number of workers; default max(1, availableParallelism() - 1). */
  size: number;
  hideGpus: boolean;
  persistent: boolean;
  maxRestarts: number;
  taskTimeoutMs: number | undefined;
  /** Time a worker gets between SIGTERM (or the close request) and SIGKILL. */
  killGraceMs: number;
}

const DEFAULTS_SYMBOL = Symbol.for('@rocm-patch/mp.defaults');

function builtinDefaults(): MultiprocessingDefaults {
  return {
    runtime: 'process',
    size: Math.max(1, availableParallelism() - 1),
    hideGpus: true,
    persistent: true,
    maxRestarts: 3,
    taskTimeoutMs: undefined,
    killGraceMs: 2000,
  };
}

// Kept on a global symbol so that the ESM and CJS builds loaded side by side share one setting.
function store(): { current: MultiprocessingDefaults } {
  const g = globalThis as Record<symbol, { current: MultiprocessingDefaults } | undefined>;
  let s = g[DEFAULTS_SYMBOL];
  if (!s) {
    s = { current: builtinDefaults() };
    g[DEFAULTS_SYMBOL] = s;
  }
  return s;
}

export function currentDefaults(): Readonly<MultiprocessingDefaults> {
  return store().current;
}

export function checkRuntime(value: unknown, name: string): Runtime {
  if (value !== 'thread' && value !== 'process') {
    throw new TypeError(`${name} must be 'thread' or 'process', got ${formatValue(value)}`);
  }
  return value;
}

export function checkInteger(
  value: unknown,
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${name} must be an integer, got ${formatValue(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

export function checkTimeout(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number of milliseconds, got ${formatValue(value)}`);
  }
  if (!(value > 0) || value > 2 ** 31 - 1) {
    throw new RangeError(`${name} must be > 0 and ≤ 2147483647 ms, got ${value}`);
  }
  return value;
}

export function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${formatValue(value)}`);
  return value;
}

/**
 * Sets the defaults for pools created afterwards (pools already created keep theirs) and returns the
 * resulting defaults. Options left out keep their current value.
 */
export function setupMultiprocessing(
  options: Partial<MultiprocessingDefaults> = {},
): Readonly<MultiprocessingDefaults> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`setupMultiprocessing: options must be an object, got ${formatValue(options)}`);
  }
  checkOptionKeys('setupMultiprocessing', 'options', options, Object.keys(builtinDefaults()));
  const next = { ...store().current };
  if (options.runtime !== undefined) next.runtime = checkRuntime(options.runtime, 'options.runtime');
  if (options.size !== undefined) next.size = checkInteger(options.size, 'options.size', 1, 1024);
  if (options.hideGpus !== undefined) next.hideGpus = checkBoolean(options.hideGpus, 'options.hideGpus');
  if (options.persistent !== undefined)
    next.persistent = checkBoolean(options.persistent, 'options.persistent');
  if (options.maxRestarts !== undefined) {
    next.maxRestarts = checkInteger(options.maxRestarts, 'options.maxRestarts', 0);
  }
  if ('taskTimeoutMs' in options) {
    next.taskTimeoutMs = checkTimeout(options.taskTimeoutMs, 'options.taskTimeoutMs');
  }
  if (options.killGraceMs !== undefined) {
    next.killGraceMs = checkInteger(options.killGraceMs, 'options.killGraceMs', 0, 60_000);
  }
  store().current = Object.freeze(next);
  return store().current;
}
