import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ResourceLimits, type TransferListItem, Worker } from 'node:worker_threads';
import {
  type BootstrapConfig,
  isProtocolMessage,
  type ParentMessage,
  type Runtime,
  WORKER_DATA_KEY,
  WORKER_ENV_KEY,
  type WorkerMessage,
} from './protocol.js';

/**
 * The bootstrap every worker starts from. Built as its own entry (dist/worker-bootstrap.mjs) beside
 * dist/index.*; when this module runs from its TypeScript sources (tests), the built file in ../dist is used.
 */
export function bootstrapPath(): string {
  const candidates = [
    new URL('./worker-bootstrap.mjs', import.meta.url),
    new URL('../dist/worker-bootstrap.mjs', import.meta.url),
  ];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new Error(
    `@rocm-patch/mp: worker bootstrap not found (looked for ${candidates.map((u) => fileURLToPath(u)).join(', ')}); build the package first (npm run build -w @rocm-patch/mp)`,
  );
}

export interface WorkerSpec {
  runtime: Runtime;
  config: BootstrapConfig;
  env: Record<string, string>;
  resourceLimits: ResourceLimits | undefined;
}

export interface WorkerEvents {
  message(message: WorkerMessage): void;
  exit(exitCode: number | null, signal: NodeJS.Signals | null, error: Error | undefined): void;
}

/** One running worker, thread or process, behind the same small interface. */
export interface WorkerHandle {
  readonly pid: number | undefined;
  readonly threadId: number | undefined;
  /** Throws synchronously when the message cannot be serialized (DataCloneError). */
  send(message: ParentMessage, transfer: readonly TransferListItem[]): void;
  /** Asks the worker to die now: SIGTERM for processes, terminate() for threads. */
  kill(): void;
  /** SIGKILL for processes, terminate() for threads. */
  forceKill(): void;
  ref(): void;
  unref(): void;
}

// Options that make `node` run something other than the script it is given, with the value each takes
// (a separate argument unless written --opt=value). A worker forked with the parent's `-e CODE` would run
// CODE instead of the bootstrap — and if CODE creates a pool, fork again, without end.
const NOT_INHERITED_WITH_VALUE = new Set([
  '-e',
  '--eval',
  '-p',
  '--print',
  '--watch-path',
  '--test-name-pattern',
]);
const NOT_INHERITED = /^(--(inspect|debug)|-c$|--check$|--watch|--test|--interactive$|-i$|--input-type)/;

/**
 * Process workers get the parent's Node options (loaders such as --import keep working), but not the
 * debugger flags, which would make every worker try to bind the parent's inspector port, nor the options
 * that replace the script (eval/print, check, watch, test runner, REPL).
 */
export function inheritedExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const name = arg.split('=', 1)[0]!;
    if (NOT_INHERITED_WITH_VALUE.has(name)) {
      if (!arg.includes('=')) i++; // skip its value too
      continue;
    }
    if (NOT_INHERITED.test(arg)) continue;
    kept.push(arg);
  }
  return kept;
}

export function spawnWorker(spec: WorkerSpec, events: WorkerEvents): WorkerHandle {
  return spec.runtime === 'thread' ? spawnThread(spec, events) : spawnProcess(spec, events);
}

function spawnThread(spec: WorkerSpec, events: WorkerEvents): WorkerHandle {
  const worker = new Worker(bootstrapPath(), {
    workerData: { [WORKER_DATA_KEY]: spec.config },
    env: spec.env,
    // execArgv left out: a thread inherits its parent's options as they are, whereas passing them would
    // refuse per-process flags such as --max-old-space-size (ERR_WORKER_INVALID_EXEC_ARGV).
    name: `${spec.config.poolName}#${spec.config.id}`,
    ...(spec.resourceLimits ? { resourceLimits: spec.resourceLimits } : {}),
  });
  let lastError: Error | undefined;
  let exited = false;
  worker.on('message', (message: unknown) => {
    if (isProtocolMessage(message)) events.message(message as WorkerMessage);
  });
  worker.on('error', (error) => {
    lastError = error;
  });
  worker.on('messageerror', (error) => {
    lastError = error;
  });
  worker.on('exit', (code) => {
    exited = true;
    events.exit(code, null, lastError);
  });
  const terminate = () => {
    if (!exited) void worker.terminate();
  };
  return {
    pid: undefined,
    threadId: worker.threadId,
    send: (message, transfer) => worker.postMessage(message, transfer as TransferListItem[]),
    kill: terminate,
    forceKill: terminate,
    ref: () => worker.ref(),
    unref: () => worker.unref(),
  };
}

function spawnProcess(spec: WorkerSpec, events: WorkerEvents): WorkerHandle {
  const child: ChildProcess = fork(bootstrapPath(), [], {
    env: { ...spec.env, [WORKER_ENV_KEY]: JSON.stringify(spec.config) },
    execArgv: [
      ...inheritedExecArgv(),
      ...(spec.resourceLimits?.maxOldGenerationSizeMb
        ? [`--max-old-space-size=${spec.resourceLimits.maxOldGenerationSizeMb}`]
        : []),
    ],
    serialization: 'advanced',
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  let lastError: Error | undefined;
  let exited = false;
  const exit = (code: number | null, signal: NodeJS.Signals | null) => {
    if (exited) return;
    exited = true;
    events.exit(code, signal, lastError);
  };
  child.on('message', (message: unknown) => {
    if (isProtocolMessage(message)) events.message(message as WorkerMessage);
  });
  child.on('error', (error) => {
    lastError = error;
    // A process that could not be spawned emits no 'exit'.
    if (child.pid === undefined) exit(null, null);
  });
  child.on('exit', exit);
  const signal = (name: NodeJS.Signals) => {
    if (!exited && child.exitCode === null && child.signalCode === null) child.kill(name);
  };
  return {
    pid: child.pid,
    threadId: undefined,
    send: (message) => {
      if (!child.connected) return; // it is exiting; its 'exit' rejects the task
      // Errors after serialization (a closed channel) surface as the worker's exit.
      child.send(message, (error) => {
        if (error) lastError = error;
      });
    },
    kill: () => signal('SIGTERM'),
    forceKill: () => signal('SIGKILL'),
    ref: () => {
      child.ref();
      child.channel?.ref();
    },
    unref: () => {
      child.unref();
      child.channel?.unref();
    },
  };
}
