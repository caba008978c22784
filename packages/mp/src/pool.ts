import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResourceLimits, TransferListItem } from 'node:worker_threads';
import { checkOptionKeys, formatValue } from '@rocm-patch/env';
import {
  checkBoolean,
  checkInteger,
  checkRuntime,
  checkTimeout,
  currentDefaults,
  type MultiprocessingDefaults,
} from './defaults.js';
import { PoolClosedError, TaskError, TaskTimeoutError, WorkerCrashError } from './errors.js';
import { hiddenGpuEnv } from './gpu.js';
import { firstDetached, type Runtime, type SerializedError, type WorkerMessage } from './protocol.js';
import { bootstrapPath, spawnWorker, type WorkerHandle } from './worker-handle.js';

export interface PoolOptions {
  /** The module whose exported functions are the tasks: a file URL (string or URL) or a file path. */
  module: string | URL;
  /** 'process' (default, see setupMultiprocessing) or 'thread'. Only process workers can hide GPUs. */
  runtime?: Runtime;
  /** Number of workers. */
  size?: number;
  /** Added to the environment the workers inherit (process.env as it is when the pool is created). */
  env?: Record<string, string | undefined>;
  /** Process workers see no GPU (default true). Thread workers share the process, so this does not apply to them. */
  hideGpus?: boolean;
  /** Keep workers between tasks (default true); false stops them whenever the pool runs out of work. */
  persistent?: boolean;
  /** How many times each worker is replaced after a crash (default 3). */
  maxRestarts?: number;
  /** Default timeout of each task, counted from when it is handed to its worker. */
  taskTimeoutMs?: number;
  /** Thread workers: V8 limits. Process workers: only maxOldGenerationSizeMb (--max-old-space-size). */
  resourceLimits?: ResourceLimits;
  /** Shown in errors and workerInfo(). */
  name?: string;
  /** Time a worker gets between SIGTERM (or the close request) and SIGKILL (default 2000 ms). */
  killGraceMs?: number;
}

export interface RunOptions {
  /** ArrayBuffers (or other transferables) that move to the thread worker instead of being copied. */
  transfer?: readonly TransferListItem[];
  /** Aborting rejects the task with the signal's reason; a task already running is stopped with its worker. */
  signal?: AbortSignal;
  /**
   * Aborting withdraws the task if no worker has started it yet (it rejects with the signal's reason); a
   * task already running is left to finish and settles as usual. For work that is no longer wanted but
   * not worth a worker: a data loader's prefetched batches when its consumer stops early.
   */
  withdraw?: AbortSignal;
  /** Timeout of this task (overrides the pool's taskTimeoutMs). */
  timeoutMs?: number;
  /** Run on this worker (0 ≤ worker < size), e.g. to keep a shard's state in one worker. */
  worker?: number;
}

export type WorkerState = 'idle' | 'starting' | 'ready' | 'busy' | 'stopping' | 'failed';

export interface WorkerStatus {
  readonly id: number;
  readonly state: WorkerState;
  readonly pid: number | undefined;
  readonly threadId: number | undefined;
  readonly restarts: number;
}

interface Task {
  readonly id: number;
  readonly name: string;
  readonly payload: unknown;
  readonly transfer: readonly TransferListItem[];
  readonly timeoutMs: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly withdraw: AbortSignal | undefined;
  readonly pinned: number | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  timer?: NodeJS.Timeout;
  /** Armed by close(): the task's last killGraceMs to finish. */
  closeTimer?: NodeJS.Timeout;
  onAbort?: () => void;
  onWithdraw?: () => void;
  settled: boolean;
}

interface Slot {
  readonly id: number;
  handle: WorkerHandle | undefined;
  /** The module finished loading in the current worker. */
  ready: boolean;
  /** We asked the current worker to exit (close, timeout, abort, idle stop): its exit is no crash. */
  stopping: boolean;
  failed: WorkerCrashError | undefined;
  task: Task | undefined;
  readonly queue: Task[];
  restarts: number;
  loadError: SerializedError | undefined;
  killTimer: NodeJS.Timeout | undefined;
  exitWaiters: (() => void)[];
}

let poolCounter = 0;

const POOL_OPTION_KEYS = [
  'module',
  'runtime',
  'size',
  'env',
  'hideGpus',
  'persistent',
  'maxRestarts',
  'taskTimeoutMs',
  'resourceLimits',
  'name',
  'killGraceMs',
] as const;
const RUN_OPTION_KEYS = ['transfer', 'signal', 'withdraw', 'timeoutMs', 'worker'] as const;
const BROADCAST_OPTION_KEYS = ['signal', 'withdraw', 'timeoutMs'] as const;

const RESOURCE_LIMITS = [
  'maxYoungGenerationSizeMb',
  'maxOldGenerationSizeMb',
  'codeRangeSizeMb',
  'stackSizeMb',
];

function moduleUrl(module: unknown): string {
  if (typeof module === 'function') {
    throw new TypeError(
      'module must be a module file (URL or path), not a function: workers cannot receive closures — export the function from a module and pass that module',
    );
  }
  if (module instanceof URL) {
    if (module.protocol !== 'file:') throw new TypeError(`module must be a file: URL, got ${module.href}`);
    return module.href;
  }
  if (typeof module !== 'string' || module === '') {
    throw new TypeError('module must be a file URL or a path to the module that exports the tasks');
  }
  if (module.startsWith('file:')) return module;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) {
    throw new TypeError(`module must be a file: URL or a path, got ${module}`);
  }
  return pathToFileURL(resolvePath(module)).href;
}

function checkEnv(env: unknown, hideGpus: boolean): Record<string, string | undefined> {
  if (env === undefined) return {};
  if (typeof env !== 'object' || env === null || Array.isArray(env)) {
    throw new TypeError('options.env must be an object of strings');
  }
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && typeof value !== 'string') {
      throw new TypeError(`options.env.${key} must be a string or undefined, got ${typeof value}`);
    }
    if (hideGpus && key in hiddenGpuEnv) {
      throw new RangeError(
        `options.env.${key} conflicts with hideGpus: true; pass hideGpus: false to choose the visible devices yourself`,
      );
    }
  }
  return env as Record<string, string | undefined>;
}

/** The path to the first function inside `value`, for the error that explains why it cannot be sent. */
function findFunction(value: unknown, path: string, seen: Set<unknown>, depth: number): string | undefined {
  if (typeof value === 'function') return path;
  if (typeof value !== 'object' || value === null || seen.has(value) || depth > 8) return undefined;
  seen.add(value);
  const entries: [string, unknown][] =
    value instanceof Map
      ? [...value.entries()].map(([k, v]) => [`.get(${String(k)})`, v])
      : Object.entries(value).map(([k, v]) => [Array.isArray(value) ? `[${k}]` : `.${k}`, v]);
  for (const [key, child] of entries) {
    const found = findFunction(child, `${path}${key}`, seen, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** postMessage drops a message whose transfer list holds a detached buffer without an error: refuse it. */
function detachedError(index: number, taskName: string): TypeError {
  return new TypeError(
    `options.transfer[${index}] of task "${taskName}" is an ArrayBuffer that is already detached (moved away by an earlier transfer): pass a buffer this thread still owns, or a copy`,
  );
}

function closureError(where: string, taskName: string): TypeError {
  return new TypeError(
    `${where} of task "${taskName}" is a function: functions and closures cannot be sent to a worker — export the function from the pool's module and run it by name`,
  );
}

/**
 * A pool of workers (threads or processes) that load one module and run its exported functions as
 * tasks. Create with createPool().
 */
export class Pool {
  readonly name: string;
  readonly runtime: Runtime;
  readonly size: number;
  readonly module: string;
  private readonly settings: MultiprocessingDefaults;
  private readonly resourceLimits: ResourceLimits | undefined;
  private readonly env: Record<string, string>;
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private nextTaskId = 1;
  private closing = false;
  private closePromise: Promise<void> | undefined;
  private drainWaiters: (() => void)[] = [];
  private idleCheckScheduled = false;

  constructor(options: PoolOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`createPool: options must be an object, got ${formatValue(options)}`);
    }
    checkOptionKeys('createPool', 'options', options, POOL_OPTION_KEYS);
    const defaults = currentDefaults();
    this.module = moduleUrl(options.module);
    bootstrapPath(); // a missing bootstrap (a broken install or build) is reported here, not per task
    this.runtime = checkRuntime(options.runtime ?? defaults.runtime, 'options.runtime');
    this.size = checkInteger(options.size ?? defaults.size, 'options.size', 1, 1024);
    const hideGpus = checkBoolean(options.hideGpus ?? defaults.hideGpus, 'options.hideGpus');
    this.settings = {
      runtime: this.runtime,
      size: this.size,
      hideGpus,
      persistent: checkBoolean(options.persistent ?? defaults.persistent, 'options.persistent'),
      maxRestarts: checkInteger(options.maxRestarts ?? defaults.maxRestarts, 'options.maxRestarts', 0),
      taskTimeoutMs:
        'taskTimeoutMs' in options
          ? checkTimeout(options.taskTimeoutMs, 'options.taskTimeoutMs')
          : defaults.taskTimeoutMs,
      killGraceMs: checkInteger(
        options.killGraceMs ?? defaults.killGraceMs,
        'options.killGraceMs',
        0,
        60_000,
      ),
    };
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new TypeError('options.name must be a non-empty string');
    }
    poolCounter += 1;
    this.name = options.name ?? `pool-${poolCounter}`;
    if (options.resourceLimits !== undefined) {
      if (typeof options.resourceLimits !== 'object' || options.resourceLimits === null) {
        throw new TypeError('options.resourceLimits must be an object');
      }
      for (const [key, value] of Object.entries(options.resourceLimits)) {
        if (!RESOURCE_LIMITS.includes(key)) {
          throw new TypeError(
            `options.resourceLimits.${key} is not a resource limit (${RESOURCE_LIMITS.join(', ')})`,
          );
        }
        if (value !== undefined && (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))) {
          throw new RangeError(
            `options.resourceLimits.${key} must be a positive number of MB, got ${formatValue(value)}`,
          );
        }
      }
      if (this.runtime === 'process') {
        for (const key of Object.keys(options.resourceLimits)) {
          if (key !== 'maxOldGenerationSizeMb') {
            throw new TypeError(
              `options.resourceLimits.${key} is only supported by the thread runtime (process workers take maxOldGenerationSizeMb)`,
            );
          }
        }
      }
    }
    this.resourceLimits = options.resourceLimits;
    const extra = checkEnv(options.env, hideGpus && this.runtime === 'process');
    // Snapshot now: every worker, replacements included, starts from the environment of pool creation.
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries({
      ...process.env,
      ...(hideGpus && this.runtime === 'process' ? hiddenGpuEnv : {}),
      ...extra,
    })) {
      if (value !== undefined) env[key] = value;
    }
    this.env = env;
    this.slots = Array.from({ length: this.size }, (_, id) => ({
      id,
      handle: undefined,
      ready: false,
      stopping: false,
      failed: undefined,
      task: undefined,
      queue: [],
      restarts: 0,
      loadError: undefined,
      killTimer: undefined,
      exitWaiters: [],
    }));
    if (this.settings.persistent) for (const slot of this.slots) this.start(slot);
  }

  /** The state of each worker slot (pid for process workers, threadId for thread workers). */
  get workers(): readonly WorkerStatus[] {
    return this.slots.map((slot) => ({
      id: slot.id,
      state: this.stateOf(slot),
      pid: slot.handle?.pid,
      threadId: slot.handle?.threadId,
      restarts: slot.restarts,
    }));
  }

  /** Runs the exported function `taskName` of the pool's module with `payload` on a worker. */
  run<T = unknown>(taskName: string, payload?: unknown, options: RunOptions = {}): Promise<T> {
    try {
      return this.enqueue(taskName, payload, options) as Promise<T>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Runs `taskName` once on every worker (payload copied to each); resolves with the results by worker id. */
  broadcast<T = unknown>(
    taskName: string,
    payload?: unknown,
    options: Omit<RunOptions, 'worker' | 'transfer'> = {},
  ): Promise<T[]> {
    if (typeof options !== 'object' || options === null) {
      return Promise.reject(new TypeError('options must be an object'));
    }
    if ('transfer' in options || 'worker' in options) {
      return Promise.reject(
        new TypeError('broadcast options take no transfer or worker: the payload is copied to every worker'),
      );
    }
    try {
      checkOptionKeys('pool.broadcast', 'options', options, BROADCAST_OPTION_KEYS);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.all(
      this.slots.map((slot) => this.run<T>(taskName, payload, { ...options, worker: slot.id })),
    );
  }

  /**
   * Waits for queued and running tasks, then stops the workers; tasks submitted afterwards are rejected.
   * Each task gets killGraceMs to finish (from now for a task already running, from its start for a queued
   * one): a task that never settles rejects with PoolClosedError and its worker is killed, so close()
   * always ends.
   */
  close(): Promise<void> {
    if (!this.closePromise) {
      this.closing = true;
      for (const slot of this.slots) if (slot.task) this.armCloseTimer(slot, slot.task);
      this.closePromise = (async () => {
        await new Promise<void>((resolve) => {
          this.drainWaiters.push(resolve);
          this.checkDrained();
        });
        await Promise.all(this.slots.map((slot) => this.stop(slot, 'graceful')));
      })();
    }
    return this.closePromise;
  }

  /** Rejects queued and running tasks with PoolClosedError and kills the workers now. */
  async terminate(): Promise<void> {
    this.closing = true;
    const error = () => new PoolClosedError(this.name, `pool "${this.name}" was terminated`);
    for (const task of this.queue.splice(0)) this.settle(task, undefined, error());
    for (const slot of this.slots) {
      for (const task of slot.queue.splice(0)) this.settle(task, undefined, error());
      if (slot.task) {
        this.settle(slot.task, undefined, error());
        slot.task = undefined;
      }
    }
    await Promise.all(this.slots.map((slot) => this.stop(slot, 'kill')));
    this.checkDrained();
    if (this.closePromise) await this.closePromise;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private stateOf(slot: Slot): WorkerState {
    if (slot.failed) return 'failed';
    if (!slot.handle) return 'idle';
    if (slot.stopping) return 'stopping';
    if (slot.task) return 'busy';
    return slot.ready ? 'ready' : 'starting';
  }

  private enqueue(taskName: string, payload: unknown, options: RunOptions): Promise<unknown> {
    if (typeof taskName !== 'string' || taskName === '') {
      throw new TypeError('taskName must be the non-empty name of a function exported by the pool module');
    }
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    checkOptionKeys('pool.run', 'options', options, RUN_OPTION_KEYS);
    if (typeof payload === 'function') throw closureError('payload', taskName);
    const transfer = options.transfer ?? [];
    if (!Array.isArray(transfer)) throw new TypeError('options.transfer must be an array of transferables');
    const detached = firstDetached(transfer);
    if (detached >= 0) throw detachedError(detached, taskName);
    const timeoutMs = checkTimeout(options.timeoutMs, 'options.timeoutMs');
    const pinned =
      options.worker === undefined
        ? undefined
        : checkInteger(options.worker, 'options.worker', 0, this.size - 1);
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError('options.signal must be an AbortSignal');
    }
    const withdraw = options.withdraw;
    if (withdraw !== undefined && !(withdraw instanceof AbortSignal)) {
      throw new TypeError('options.withdraw must be an AbortSignal');
    }
    if (this.closing) throw new PoolClosedError(this.name, `pool "${this.name}" is closed`);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (withdraw?.aborted) return Promise.reject(withdraw.reason);
    const unavailable = this.unavailable(pinned, taskName);
    if (unavailable) throw unavailable;

    return new Promise((resolve, reject) => {
      const task: Task = {
        id: this.nextTaskId++,
        name: taskName,
        payload,
        transfer,
        timeoutMs: timeoutMs ?? this.settings.taskTimeoutMs,
        signal,
        withdraw,
        pinned,
        resolve,
        reject,
        settled: false,
      };
      if (signal) {
        task.onAbort = () => this.abort(task);
        signal.addEventListener('abort', task.onAbort, { once: true });
      }
      if (withdraw) {
        task.onWithdraw = () => this.withdrawQueued(task);
        withdraw.addEventListener('abort', task.onWithdraw, { once: true });
      }
      if (pinned === undefined) this.queue.push(task);
      else this.slots[pinned]!.queue.push(task);
      this.dispatch();
    });
  }

  /** The error for a task that no worker can run any more, if that is the case. */
  private unavailable(pinned: number | undefined, taskName: string): WorkerCrashError | undefined {
    const candidates = pinned === undefined ? this.slots : [this.slots[pinned]!];
    if (candidates.some((slot) => !slot.failed)) return undefined;
    const last = candidates[candidates.length - 1]!.failed!;
    return new WorkerCrashError(
      `no worker of pool "${this.name}" can run task "${taskName}": ${pinned === undefined ? 'every worker has' : `worker ${pinned} has`} failed for good (${last.message})`,
      {
        workerId: last.workerId,
        exitCode: last.exitCode,
        signal: last.signal,
        taskName,
        duringLoad: last.duringLoad,
        cause: last,
      },
    );
  }

  private start(slot: Slot): void {
    slot.ready = false;
    slot.stopping = false;
    slot.loadError = undefined;
    let handle: WorkerHandle | undefined;
    try {
      handle = spawnWorker(
        {
          runtime: this.runtime,
          config: {
            id: slot.id,
            poolName: this.name,
            runtime: this.runtime,
            moduleUrl: this.module,
            parentPid: process.pid,
          },
          env: this.env,
          resourceLimits: this.resourceLimits,
        },
        {
          message: (message) => {
            if (slot.handle === handle) this.onMessage(slot, message);
          },
          exit: (code, signal, error) => {
            if (slot.handle === handle) this.onExit(slot, code, signal, error);
          },
        },
      );
    } catch (error) {
      // The worker could not even be created (e.g. missing bootstrap, bad resourceLimits): a bootstrap failure.
      this.fail(
        slot,
        new WorkerCrashError(
          `worker ${slot.id} of pool "${this.name}" could not be started: ${String(error)}`,
          {
            workerId: slot.id,
            exitCode: null,
            signal: null,
            taskName: undefined,
            duringLoad: true,
            cause: error,
          },
        ),
      );
      return;
    }
    slot.handle = handle;
    handle.unref(); // an idle pool does not keep the program alive; a running task or a stop does
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      while (!slot.failed && !slot.task && !slot.stopping) {
        const task = slot.queue.shift() ?? this.queue.shift();
        if (!task) break;
        if (!slot.handle) this.start(slot);
        if (!slot.handle) {
          // start() failed the slot and rejected its queue; the shared task goes back for another slot.
          if (task.pinned === undefined) this.queue.unshift(task);
          else this.settle(task, undefined, this.unavailable(task.pinned, task.name));
          break;
        }
        this.assign(slot, task);
      }
    }
    if (this.queue.length > 0 && this.slots.every((slot) => slot.failed)) {
      for (const task of this.queue.splice(0))
        this.settle(task, undefined, this.unavailable(undefined, task.name));
    }
  }

  private assign(slot: Slot, task: Task): void {
    const handle = slot.handle!;
    // Checked again here: the caller may have moved the buffer elsewhere while the task waited in the queue.
    const detached = firstDetached(task.transfer);
    if (detached >= 0) {
      this.settle(task, undefined, detachedError(detached, task.name));
      return;
    }
    try {
      handle.send(
        { mp: 1, type: 'task', id: task.id, name: task.name, payload: task.payload },
        task.transfer,
      );
    } catch (error) {
      const path = findFunction(task.payload, 'payload', new Set(), 0);
      this.settle(
        task,
        undefined,
        path
          ? closureError(path, task.name)
          : new TypeError(
              `payload of task "${task.name}" cannot be sent to a worker: ${error instanceof Error ? error.message : String(error)}`,
              { cause: error },
            ),
      );
      return;
    }
    slot.task = task;
    handle.ref();
    if (this.closing) this.armCloseTimer(slot, task);
    if (task.timeoutMs !== undefined) {
      const timeoutMs = task.timeoutMs;
      task.timer = setTimeout(() => {
        if (slot.task !== task) return;
        slot.task = undefined;
        this.settle(
          task,
          undefined,
          new TaskTimeoutError({ workerId: slot.id, taskName: task.name, timeoutMs, poolName: this.name }),
        );
        void this.stop(slot, 'kill');
      }, timeoutMs);
    }
  }

  /**
   * close() was called: the task running on `slot` has killGraceMs left to finish, counted once its worker
   * has loaded the module (a queued task may go to a fresh worker, whose start is not the task's time;
   * taskTimeoutMs bounds a module that hangs while loading).
   */
  private armCloseTimer(slot: Slot, task: Task): void {
    if (!slot.ready || task.closeTimer) return; // armed by the 'ready' message
    const graceMs = this.settings.killGraceMs;
    task.closeTimer = setTimeout(() => {
      if (slot.task !== task) return;
      slot.task = undefined;
      this.settle(
        task,
        undefined,
        new PoolClosedError(
          this.name,
          `task "${task.name}" on worker ${slot.id} of pool "${this.name}" did not finish within killGraceMs (${graceMs} ms) of close(); its worker was killed`,
        ),
      );
      void this.stop(slot, 'kill');
    }, graceMs);
  }

  private abort(task: Task): void {
    if (task.settled) return;
    const reason = task.signal?.reason;
    const running = this.slots.find((slot) => slot.task === task);
    if (running) {
      running.task = undefined;
      this.settle(task, undefined, reason);
      void this.stop(running, 'kill');
      return;
    }
    this.removeQueued(task);
    this.settle(task, undefined, reason);
    this.checkDrained();
  }

  /** options.withdraw fired: a task still queued leaves the queue; a running one is left alone. */
  private withdrawQueued(task: Task): void {
    if (task.settled || !this.removeQueued(task)) return;
    this.settle(task, undefined, task.withdraw?.reason);
    this.checkDrained();
  }

  private removeQueued(task: Task): boolean {
    const queue = task.pinned === undefined ? this.queue : this.slots[task.pinned]!.queue;
    const index = queue.indexOf(task);
    if (index >= 0) queue.splice(index, 1);
    return index >= 0;
  }

  private settle(task: Task, value: unknown, error?: unknown): void {
    if (task.settled) return;
    task.settled = true;
    if (task.timer) clearTimeout(task.timer);
    if (task.closeTimer) clearTimeout(task.closeTimer);
    if (task.onAbort) task.signal?.removeEventListener('abort', task.onAbort);
    if (task.onWithdraw) task.withdraw?.removeEventListener('abort', task.onWithdraw);
    if (error === undefined) task.resolve(value);
    else task.reject(error);
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        if (this.closing && slot.task) this.armCloseTimer(slot, slot.task);
        return;
      case 'load-error':
        // The bootstrap stays alive to deliver this; its exit then reports the crash with this cause.
        slot.loadError = message.error;
        slot.handle?.forceKill();
        return;
      case 'result':
      case 'error': {
        const task = slot.task;
        if (!task || task.id !== message.id) return; // a task that was already given up (abort, timeout)
        slot.task = undefined;
        slot.handle?.unref();
        if (message.type === 'result') this.settle(task, message.value);
        else {
          this.settle(
            task,
            undefined,
            new TaskError(message.error, { workerId: slot.id, taskName: task.name, poolName: this.name }),
          );
        }
        this.dispatch();
        this.afterWork();
        return;
      }
    }
  }

  private onExit(
    slot: Slot,
    exitCode: number | null,
    signal: NodeJS.Signals | null,
    error: Error | undefined,
  ): void {
    const expected = slot.stopping;
    const wasReady = slot.ready;
    const task = slot.task;
    slot.handle = undefined;
    slot.task = undefined;
    slot.ready = false;
    slot.stopping = false;
    if (slot.killTimer) clearTimeout(slot.killTimer);
    slot.killTimer = undefined;
    for (const wake of slot.exitWaiters.splice(0)) wake();

    if (!expected) {
      // A module that threw or exited while loading would do the same in a replacement: not restarted. A
      // worker killed by a signal while loading (SIGKILL from outside, the OOM killer) is a crash like any
      // other: replaced, and counted against maxRestarts.
      const killedWhileLoading = !wasReady && signal !== null && !slot.loadError;
      const duringLoad = !wasReady && !killedWhileLoading;
      const how = signal
        ? `was killed by ${signal}${killedWhileLoading ? ' before its module finished loading' : ''}`
        : `exited with code ${exitCode}`;
      const cause = slot.loadError
        ? new TaskError(slot.loadError, { workerId: slot.id, taskName: '(module load)', poolName: this.name })
        : error;
      const reason = duringLoad
        ? slot.loadError
          ? `failed to load ${this.module}: ${slot.loadError.message}`
          : `failed while loading its module (${how})`
        : how;
      const crash = (taskName: string | undefined) =>
        new WorkerCrashError(
          `worker ${slot.id} of pool "${this.name}" ${reason}${taskName ? ` while running task "${taskName}"` : ''}`,
          { workerId: slot.id, exitCode, signal, taskName, duringLoad, cause },
        );
      if (task) this.settle(task, undefined, crash(task.name));
      if (duringLoad) {
        // Not restarted: the replacement would fail the same way, in a loop.
        this.fail(slot, crash(undefined));
      } else if (slot.restarts >= this.settings.maxRestarts) {
        const gone = crash(undefined);
        this.fail(
          slot,
          new WorkerCrashError(
            `${gone.message}; not restarted (maxRestarts ${this.settings.maxRestarts} reached)`,
            {
              workerId: slot.id,
              exitCode,
              signal,
              taskName: undefined,
              duringLoad: false,
              cause,
            },
          ),
        );
      } else {
        slot.restarts += 1;
        if (this.settings.persistent && !this.closing) this.start(slot);
      }
    } else if (this.settings.persistent && !this.closing && !slot.failed) {
      // Stopped on purpose (timeout, abort): replace it; this is not a crash and not counted.
      this.start(slot);
    }
    this.dispatch();
    this.afterWork();
  }

  /** Marks the slot failed for good and rejects the tasks that only it could run. */
  private fail(slot: Slot, error: WorkerCrashError): void {
    slot.failed = error;
    for (const task of slot.queue.splice(0)) {
      this.settle(
        task,
        undefined,
        new WorkerCrashError(`${error.message}; task "${task.name}" was waiting for it`, {
          workerId: slot.id,
          exitCode: error.exitCode,
          signal: error.signal,
          taskName: task.name,
          duringLoad: error.duringLoad,
          cause: error,
        }),
      );
    }
  }

  private busy(): boolean {
    return this.queue.length > 0 || this.slots.some((slot) => slot.task || slot.queue.length > 0);
  }

  private afterWork(): void {
    this.checkDrained();
    if (this.settings.persistent || this.closing || this.idleCheckScheduled || this.busy()) return;
    // Non-persistent: stop the workers once the pool has run out of work. Deferred so that a caller
    // awaiting one task and submitting the next in the same turn keeps its worker.
    this.idleCheckScheduled = true;
    setImmediate(() => {
      this.idleCheckScheduled = false;
      if (this.closing || this.busy()) return;
      for (const slot of this.slots) void this.stop(slot, 'graceful');
    });
  }

  private checkDrained(): void {
    if (!this.closing || this.busy()) return;
    for (const wake of this.drainWaiters.splice(0)) wake();
  }

  /** Stops the slot's worker: 'graceful' asks it to exit, 'kill' sends SIGTERM; SIGKILL follows after the grace. */
  private stop(slot: Slot, how: 'graceful' | 'kill'): Promise<void> {
    const handle = slot.handle;
    if (!handle) return Promise.resolve();
    const exited = new Promise<void>((resolve) => slot.exitWaiters.push(resolve));
    if (!slot.stopping) {
      slot.stopping = true;
      handle.ref(); // see the exit through, even if nothing else keeps the program alive
      if (how === 'graceful') handle.send({ mp: 1, type: 'close' }, []);
      else handle.kill();
      slot.killTimer = setTimeout(() => {
        if (slot.handle === handle) handle.forceKill();
      }, this.settings.killGraceMs);
    } else if (how === 'kill') {
      handle.kill();
    }
    return exited;
  }
}

/** Creates a pool of workers that load `options.module` through the library's bootstrap. */
export function createPool(options: PoolOptions): Pool {
  return new Pool(options);
}
