import { checkOptionKeys } from '@rocm-patch/env';
import { DecisionDb, type DecisionEntry, type ProbeOutcome } from '../decision-db.js';
import { describeValue } from '../describe-value.js';
import { deviceSynchronizer } from '../device/conv.js';
import { probeVendorPath } from '../probe/runner.js';
import { recordConvCall } from '../stats.js';
import { injectFault } from '../vendor/faults.js';
import { detectCapabilities } from './capabilities.js';
import { decisionKey, makeProblem } from './key.js';
import {
  checkStrategy,
  DEFAULT_SELECTIVE_THRESHOLD,
  ourGpuAlgorithm,
  type Plan,
  planAlgorithm,
} from './select.js';
import type {
  AlgorithmName,
  Capabilities,
  ConvAlgorithm,
  ConvGeometry,
  ConvOperand,
  ConvOperands,
  ConvProblem,
  FallbackStrategy,
  Shape4,
} from './types.js';

/** What a probe reports: the outcome plus a human-readable detail (error message, signal, timeout). */
export interface ProbeResult {
  outcome: ProbeOutcome;
  detail?: string;
  ms?: number;
}

/** Runs the vendor path for one key in a separate process; never throws, reports the outcome. */
export type ProbeFunction = (
  problem: ConvProblem,
  key: string,
  capabilities: Capabilities,
  timeoutMs: number,
) => Promise<ProbeResult>;

/** Told which algorithm ran a call and how long it took (SafeConv2d's per-layer statistics). */
export type CallObserver = (algorithm: AlgorithmName, ms: number) => void;

export interface CallOptions {
  /** This call's strategy (default: the router's). */
  strategy?: FallbackStrategy | undefined;
  observe?: CallObserver | undefined;
}

export interface RouterOptions {
  /** Default strategy of calls that name none (default AUTO). */
  strategy?: FallbackStrategy;
  /** SELECTIVE: the vendor path for max(H, W) ≤ this (default 42). */
  selectiveThreshold?: number;
  /** How long a probe may run before it counts as a hang (default 10 s). */
  probeTimeoutMs?: number;
  /** The decision database, or its path (default: defaultDecisionDbPath()). */
  decisionDb?: DecisionDb | string;
  /** What this machine can run (default: detected from the addon). Tests inject their own. */
  capabilities?: Capabilities | (() => Capabilities);
  /** How keys are probed (default: a process of @rocm-patch/mp running the probe worker). */
  probe?: ProbeFunction;
}

function shapeOf(operand: ConvOperand): Shape4 {
  return [...operand.shape] as Shape4;
}

/** The problem of a call, from its operands. */
export function problemOf(operands: ConvOperands, geometry: ConvGeometry): ConvProblem {
  switch (operands.direction) {
    case 'forward':
      return makeProblem('forward', shapeOf(operands.x), shapeOf(operands.w), geometry);
    case 'backwardData':
      return makeProblem('backwardData', operands.inputShape, shapeOf(operands.w), geometry);
    case 'backwardFilter':
      return makeProblem('backwardFilter', shapeOf(operands.x), operands.filterShape, geometry);
  }
}

/** Runs one call on one algorithm (the vendor path goes through fault injection first). */
export function runAlgorithm(
  algorithm: ConvAlgorithm,
  key: string,
  operands: ConvOperands,
  geometry: ConvGeometry,
) {
  if (algorithm.name === 'vendor') injectFault(key);
  switch (operands.direction) {
    case 'forward':
      return algorithm.forward(operands.x, operands.w, geometry, operands.bias, operands.relu);
    case 'backwardData':
      return algorithm.backwardData(operands.dy, operands.w, operands.inputShape, geometry);
    case 'backwardFilter':
      return algorithm.backwardFilter(operands.x, operands.dy, operands.filterShape, geometry);
  }
}

/**
 * Routes every convolution call to an algorithm according to its strategy: plans with planAlgorithm,
 * probes the vendor path of new keys in a separate process, times AUTO's candidates once per key and
 * remembers the winner (memory and database), retries a failing vendor call once on our kernel and marks
 * its key unsafe, and counts every call in the statistics.
 */
export class ConvRouter {
  readonly strategy: FallbackStrategy;
  readonly selectiveThreshold: number;
  readonly probeTimeoutMs: number;
  private readonly capabilitySource: Capabilities | (() => Capabilities);
  private resolvedCapabilities: Capabilities | undefined;
  private readonly dbSource: DecisionDb | string | undefined;
  private resolvedDb: DecisionDb | undefined;
  private readonly probeFunction: ProbeFunction | undefined;
  /** AUTO's choice per key, valid for the candidate set it was timed among. */
  private readonly choices = new Map<string, { algorithm: AlgorithmName; candidates: AlgorithmName[] }>();
  private readonly probes = new Map<string, Promise<ProbeResult>>();

  /**
   * `defaults` supplies what `options` leaves out (default: this process's real capabilities and the
   * process-pool probe).
   */
  constructor(
    options: RouterOptions = {},
    defaults: { capabilities: () => Capabilities; probe?: ProbeFunction } = {
      capabilities: detectCapabilities,
      probe: probeVendorPath,
    },
  ) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    checkRouterOptionKeys(options, 'ConvRouter');
    this.strategy = checkStrategy(options.strategy ?? 'auto', 'options.strategy');
    this.selectiveThreshold = checkPositive(
      options.selectiveThreshold ?? DEFAULT_SELECTIVE_THRESHOLD,
      'options.selectiveThreshold',
    );
    this.probeTimeoutMs = checkPositive(options.probeTimeoutMs ?? 10_000, 'options.probeTimeoutMs');
    this.capabilitySource = options.capabilities ?? defaults.capabilities;
    this.dbSource = options.decisionDb;
    this.probeFunction = options.probe ?? defaults.probe;
  }

  get capabilities(): Capabilities {
    this.resolvedCapabilities ??=
      typeof this.capabilitySource === 'function' ? this.capabilitySource() : this.capabilitySource;
    return this.resolvedCapabilities;
  }

  get decisionDb(): DecisionDb {
    this.resolvedDb ??= this.dbSource instanceof DecisionDb ? this.dbSource : new DecisionDb(this.dbSource);
    return this.resolvedDb;
  }

  /** The decision key of a call on this machine. */
  keyOf(operands: ConvOperands, geometry: ConvGeometry): { problem: ConvProblem; key: string } {
    const problem = problemOf(operands, geometry);
    return { problem, key: decisionKey(problem, this.capabilities) };
  }

  /** The plan for a call (no side effects). */
  plan(problem: ConvProblem, key: string, strategy: FallbackStrategy = this.strategy): Plan {
    return planAlgorithm(strategy, problem, this.capabilities, this.entry(key), this.selectiveThreshold);
  }

  /**
   * Runs a call synchronously (TF.js kernels must). A key whose vendor path is not probed yet runs on our
   * kernel now while its probe runs in the background; later calls use the outcome.
   */
  run(
    kernelName: string,
    operands: ConvOperands,
    geometry: ConvGeometry,
    options: CallOptions = {},
  ): ConvOperand {
    checkCallOptions(options, 'ConvRouter.run');
    const { problem, key } = this.keyOf(operands, geometry);
    const strategy = options.strategy === undefined ? this.strategy : checkStrategy(options.strategy);
    const plan = this.plan(problem, key, strategy);
    // Fire and forget: probe() warns once if the probe cannot run at all.
    if (plan.probeVendor) this.probe(problem, key).catch(() => {});
    return this.execute(kernelName, key, plan, operands, geometry, options.observe);
  }

  /** Like run(), but first waits for the probe of a new key, so even the first call can use the vendor path. */
  async runAsync(
    kernelName: string,
    operands: ConvOperands,
    geometry: ConvGeometry,
    options: CallOptions = {},
  ): Promise<ConvOperand> {
    checkCallOptions(options, 'ConvRouter.runAsync');
    const { problem, key } = this.keyOf(operands, geometry);
    const chosen = options.strategy === undefined ? this.strategy : checkStrategy(options.strategy);
    let plan = this.plan(problem, key, chosen);
    if (plan.probeVendor) {
      await this.probe(problem, key).catch(() => undefined); // a probe that cannot run leaves the key on ours
      plan = this.plan(problem, key, chosen);
    }
    return this.execute(kernelName, key, plan, operands, geometry, options.observe);
  }

  /**
   * Probes the vendor path of a key in a separate process (once: concurrent callers share the probe) and
   * records the outcome in the database. Rejects only when the probe could not run at all.
   */
  probe(problem: ConvProblem, key: string): Promise<ProbeResult> {
    const known = this.entry(key)?.probe;
    if (known) return Promise.resolve(known);
    let pending = this.probes.get(key);
    if (!pending) {
      const probeFunction = this.probeFunction;
      if (!probeFunction) return Promise.reject(new Error('no probe function configured'));
      pending = probeFunction(problem, key, this.capabilities, this.probeTimeoutMs).then((result) => {
        this.decisionDb.update(key, { probe: { ...result, at: new Date().toISOString() } });
        if (result.outcome !== 'ok') {
          process.emitWarning(
            `the vendor conv path failed its probe (${result.outcome}) for ${key}: ${result.detail ?? ''}; this key uses our kernels`,
            { code: 'ROCM_PATCH_VENDOR_UNSAFE' },
          );
        }
        return result;
      });
      pending.then(
        () => this.probes.delete(key),
        (error: unknown) => {
          // The probe process could not even start (not a vendor outcome): keep the failure so this
          // process neither retries on every call nor uses the vendor path for the key; warn once.
          process.emitWarning(
            `the probe of ${key} could not run: ${(error as Error).message}; this key uses our kernels`,
            {
              code: 'ROCM_PATCH_PROBE_FAILED',
            },
          );
        },
      );
      this.probes.set(key, pending);
    }
    return pending;
  }

  /**
   * Resolves once every vendor probe started so far has an outcome (including probes started meanwhile):
   * from then on AUTO's choices stop changing, so benchmarks and memory measurements wait for it.
   */
  async probesSettled(): Promise<void> {
    for (;;) {
      const pending = [...this.probes.values()];
      await Promise.allSettled(pending);
      if ([...this.probes.values()].every((p) => pending.includes(p))) return;
    }
  }

  private entry(key: string): DecisionEntry | undefined {
    return this.decisionDb.get(key);
  }

  private algorithm(name: AlgorithmName): ConvAlgorithm {
    const algorithm = this.capabilities.algorithms[name];
    if (!algorithm) throw new Error(`conv algorithm '${name}' is not available in this process`);
    return algorithm;
  }

  private execute(
    kernelName: string,
    key: string,
    plan: Plan,
    operands: ConvOperands,
    geometry: ConvGeometry,
    observe: CallObserver | undefined,
  ): ConvOperand {
    const count: CallObserver = (algorithm, ms) => {
      recordConvCall(key, kernelName, algorithm, ms);
      observe?.(algorithm, ms);
    };
    if (plan.kind === 'time') {
      const cached = this.cachedChoice(key, plan.candidates);
      if (cached) return this.runCounted(count, key, cached, operands, geometry);
      return this.timeCandidates(count, key, plan, operands, geometry);
    }
    return this.runCounted(count, key, plan.algorithm, operands, geometry);
  }

  private cachedChoice(key: string, candidates: AlgorithmName[]): AlgorithmName | undefined {
    // A choice is valid only for the candidate set it was timed among: a key whose vendor path became
    // safe (or unsafe) since must be timed again.
    const inMemory = this.choices.get(key);
    if (inMemory && sameSet(inMemory.candidates, candidates)) return inMemory.algorithm;
    const stored = this.entry(key)?.choice;
    if (stored && sameSet(stored.candidates, candidates)) {
      this.choices.set(key, { algorithm: stored.algorithm, candidates: stored.candidates });
      return stored.algorithm;
    }
    return undefined;
  }

  /** AUTO on a new key: runs every candidate once, keeps the fastest's result and remembers it. */
  private timeCandidates(
    count: CallObserver,
    key: string,
    plan: Extract<Plan, { kind: 'time' }>,
    operands: ConvOperands,
    geometry: ConvGeometry,
  ): ConvOperand {
    const timings: Record<string, number> = {};
    let best: { name: AlgorithmName; ms: number; result: ConvOperand } | undefined;
    const survivors: AlgorithmName[] = [];
    // Device-buffer operands run asynchronously: wait for the device around each candidate, so the
    // time is the candidate's own (once per key).
    const sync = deviceSynchronizer(Object.values(operands));
    for (const name of plan.candidates) {
      sync?.();
      const start = performance.now();
      let result: ConvOperand;
      try {
        result = runAlgorithm(this.algorithm(name), key, operands, geometry);
        sync?.();
      } catch (error) {
        if (name !== 'vendor') throw error;
        this.markUnsafe(key, error);
        continue;
      }
      const ms = performance.now() - start;
      timings[name] = ms;
      survivors.push(name);
      if (!best || ms < best.ms) {
        disposeResult(best?.result);
        best = { name, ms, result };
      } else {
        disposeResult(result);
      }
    }
    if (!best) throw new Error(`no conv algorithm could run ${key}`);
    this.choices.set(key, { algorithm: best.name, candidates: survivors });
    // A choice made while the vendor path is still unprobed is provisional: memory only.
    if (!plan.probeVendor) {
      this.decisionDb.update(key, {
        choice: {
          algorithm: best.name,
          candidates: survivors,
          timingsMs: timings,
          at: new Date().toISOString(),
        },
      });
    }
    count(best.name, best.ms);
    return best.result;
  }

  private runCounted(
    count: CallObserver,
    key: string,
    name: AlgorithmName,
    operands: ConvOperands,
    geometry: ConvGeometry,
  ): ConvOperand {
    const start = performance.now();
    try {
      const result = runAlgorithm(this.algorithm(name), key, operands, geometry);
      count(name, performance.now() - start);
      return result;
    } catch (error) {
      if (name !== 'vendor') throw error;
      // The vendor library threw: mark the key unsafe and retry once on our kernel.
      this.markUnsafe(key, error);
      const fallback = this.capabilities.gpu ? ourGpuAlgorithm(this.capabilities) : 'cpu';
      const retryStart = performance.now();
      const result = runAlgorithm(this.algorithm(fallback), key, operands, geometry);
      count(fallback, performance.now() - retryStart);
      return result;
    }
  }

  private markUnsafe(key: string, error: unknown): void {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.choices.delete(key);
    this.decisionDb.update(key, { unsafe: { reason, at: new Date().toISOString() }, choice: undefined });
    process.emitWarning(
      `the vendor conv path threw for ${key} (${reason}); retried on our kernel, key marked unsafe`,
      {
        code: 'ROCM_PATCH_VENDOR_UNSAFE',
      },
    );
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name) => b.includes(name));
}

/** Frees a device-tensor result that lost the timing race (host results need nothing). */
function disposeResult(result: ConvOperand | undefined): void {
  const dispose = (result as { dispose?: unknown } | undefined)?.dispose;
  if (typeof dispose === 'function') dispose.call(result);
}

function checkPositive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    const E = typeof value === 'number' ? RangeError : TypeError;
    throw new E(`${name} must be a positive number, got ${describeValue(value)}`);
  }
  return value;
}

const ROUTER_OPTION_KEYS: readonly (keyof RouterOptions)[] = [
  'strategy',
  'selectiveThreshold',
  'probeTimeoutMs',
  'decisionDb',
  'capabilities',
  'probe',
];
/** Throws naming `where` when `options` has a key RouterOptions does not. */
export function checkRouterOptionKeys(options: object, where: string): void {
  checkOptionKeys(where, 'options', options, ROUTER_OPTION_KEYS);
}

const CALL_OPTION_KEYS: readonly (keyof CallOptions)[] = ['strategy', 'observe'];

function checkCallOptions(options: unknown, where: string): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${where}: options must be an object`);
  checkOptionKeys(where, 'options', options, CALL_OPTION_KEYS);
}
