import type { SerializedError } from './protocol.js';

/** A worker exited, was killed by a signal, or failed while loading its module. */
export class WorkerCrashError extends Error {
  override name = 'WorkerCrashError';
  readonly workerId: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** The task that was running (or waiting for this worker) when it died. */
  readonly taskName: string | undefined;
  /**
   * True when the worker failed while loading its module — the module threw, or the worker exited — and is
   * therefore not restarted. A worker killed by a signal while loading is an ordinary crash (false).
   */
  readonly duringLoad: boolean;

  constructor(
    message: string,
    details: {
      workerId: number;
      exitCode: number | null;
      signal: string | null;
      taskName: string | undefined;
      duringLoad: boolean;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.workerId = details.workerId;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.taskName = details.taskName;
    this.duringLoad = details.duringLoad;
  }
}

/** A task ran past its timeout; its worker was killed and replaced. */
export class TaskTimeoutError extends Error {
  override name = 'TaskTimeoutError';
  readonly workerId: number;
  readonly taskName: string;
  readonly timeoutMs: number;

  constructor(details: { workerId: number; taskName: string; timeoutMs: number; poolName: string }) {
    super(
      `task "${details.taskName}" on worker ${details.workerId} of pool "${details.poolName}" ran longer than ${details.timeoutMs} ms; the worker was killed and replaced`,
    );
    this.workerId = details.workerId;
    this.taskName = details.taskName;
    this.timeoutMs = details.timeoutMs;
  }
}

/**
 * An error thrown by a task inside a worker. `message` is the original message; `stack` is the worker's
 * stack followed by the caller's; `remoteName` and `code` come from the original error.
 */
export class TaskError extends Error {
  override name = 'TaskError';
  readonly workerId: number;
  readonly taskName: string;
  readonly remoteName: string;
  readonly code: string | number | undefined;

  constructor(remote: SerializedError, details: { workerId: number; taskName: string; poolName: string }) {
    super(remote.message);
    this.workerId = details.workerId;
    this.taskName = details.taskName;
    this.remoteName = remote.name;
    this.code = remote.code;
    const localFrames = (this.stack ?? '').split('\n').slice(1).join('\n');
    const remoteStack = remote.stack ?? `${remote.name}: ${remote.message}`;
    this.stack = `${remoteStack}\n    --- in task "${details.taskName}" on worker ${details.workerId} of pool "${details.poolName}", called from:\n${localFrames}`;
  }
}

/** The pool was closed or terminated before the task could run. */
export class PoolClosedError extends Error {
  override name = 'PoolClosedError';
  readonly poolName: string;

  constructor(poolName: string, message: string) {
    super(message);
    this.poolName = poolName;
  }
}
