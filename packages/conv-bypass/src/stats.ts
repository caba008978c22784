import { sharedState } from './shared-state.js';
import type { AlgorithmName } from './strategy/types.js';

/** Calls and time of one algorithm on one key. */
export interface AlgorithmCounters {
  calls: number;
  timeMs: number;
}

export interface KeyStats {
  key: string;
  calls: number;
  timeMs: number;
  /** Calls and time per algorithm that ran this key. */
  algorithms: Partial<Record<AlgorithmName, AlgorithmCounters>>;
}

export interface BypassStats {
  totalCalls: number;
  /** Calls that ran on one of our implementations (anything but the vendor library). */
  bypassedCalls: number;
  byAlgorithm: Record<string, number>;
  /** Calls per entry point: a TF.js kernel name (Conv2D, FusedConv2D, …), SafeConv2d.*, or the conv API. */
  byKernel: Record<string, number>;
  keys: KeyStats[];
}

const state = sharedState('stats', () => ({
  keys: new Map<string, KeyStats>(),
  byAlgorithm: new Map<string, number>(),
  byKernel: new Map<string, number>(),
  totalCalls: 0,
  bypassedCalls: 0,
}));

/** Counts one convolution call (done by the strategy layer after the call returned). */
export function recordConvCall(
  key: string,
  kernelName: string,
  algorithm: AlgorithmName,
  timeMs: number,
): void {
  state.totalCalls += 1;
  if (algorithm !== 'vendor') state.bypassedCalls += 1;
  state.byAlgorithm.set(algorithm, (state.byAlgorithm.get(algorithm) ?? 0) + 1);
  state.byKernel.set(kernelName, (state.byKernel.get(kernelName) ?? 0) + 1);
  let entry = state.keys.get(key);
  if (!entry) {
    entry = { key, calls: 0, timeMs: 0, algorithms: {} };
    state.keys.set(key, entry);
  }
  entry.calls += 1;
  entry.timeMs += timeMs;
  const counters = entry.algorithms[algorithm] ?? { calls: 0, timeMs: 0 };
  counters.calls += 1;
  counters.timeMs += timeMs;
  entry.algorithms[algorithm] = counters;
}

/** A snapshot (a copy: later calls do not change it). */
export function getBypassStats(): BypassStats {
  return {
    totalCalls: state.totalCalls,
    bypassedCalls: state.bypassedCalls,
    byAlgorithm: Object.fromEntries(state.byAlgorithm),
    byKernel: Object.fromEntries(state.byKernel),
    keys: [...state.keys.values()].map((entry) => ({
      key: entry.key,
      calls: entry.calls,
      timeMs: entry.timeMs,
      algorithms: Object.fromEntries(
        Object.entries(entry.algorithms).map(([name, counters]) => [name, { ...counters }]),
      ) as KeyStats['algorithms'],
    })),
  };
}

export function resetBypassStats(): void {
  state.keys.clear();
  state.byAlgorithm.clear();
  state.byKernel.clear();
  state.totalCalls = 0;
  state.bypassedCalls = 0;
}

/** The statistics as a text table: totals, bypass rate, per kernel, per algorithm, then per key. */
export function formatBypassReport(stats: BypassStats = getBypassStats()): string {
  const rate = stats.totalCalls === 0 ? 0 : (100 * stats.bypassedCalls) / stats.totalCalls;
  const lines = [
    `conv bypass: ${stats.totalCalls} calls, ${stats.bypassedCalls} bypassed (${rate.toFixed(1)}%)`,
    `by kernel:    ${formatCounts(stats.byKernel)}`,
    `by algorithm: ${formatCounts(stats.byAlgorithm)}`,
  ];
  if (stats.keys.length > 0) {
    const rows = stats.keys.map((entry) => [
      String(entry.calls),
      entry.timeMs.toFixed(2),
      Object.entries(entry.algorithms)
        .map(([name, counters]) => `${name}:${counters.calls}`)
        .join(' '),
      entry.key,
    ]);
    const header = ['calls', 'ms', 'algorithms', 'key'];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
    );
    const format = (row: string[]) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ');
    lines.push(format(header), ...rows.map(format));
  }
  return lines.join('\n');
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '-' : entries.map(([name, calls]) => `${name}=${calls}`).join(' ');
}

/** Prints formatBypassReport() to stdout (or to the given writer). */
export function printBypassReport(write: (text: string) => void = (text) => console.log(text)): void {
  write(formatBypassReport());
}
