import type { TransferListItem } from 'node:worker_threads';
/**
 * The entry point of every pool worker (thread or process). It reads its configuration (workerData for
 * threads, an environment variable for processes), records the worker's identity for isPoolWorker() /
 * workerInfo() / the main guard, loads the task module, and runs tasks one at a time.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  type BootstrapConfig,
  firstDetached,
  IDENTITY_SYMBOL,
  isProtocolMessage,
  type ParentMessage,
  serializeError,
  WORKER_DATA_KEY,
  WORKER_ENV_KEY,
  type WorkerMessage,
} from './protocol.js';
import { isTransferredResult } from './transfer.js';

function readConfig(): BootstrapConfig {
  if (!isMainThread) {
    const config = (workerData as Record<string, unknown> | null)?.[WORKER_DATA_KEY];
    if (config) return config as BootstrapConfig;
  } else {
    const raw = process.env[WORKER_ENV_KEY];
    // Removed so that processes this worker starts itself are not taken for pool workers.
    delete process.env[WORKER_ENV_KEY];
    if (raw && typeof process.send === 'function') return JSON.parse(raw) as BootstrapConfig;
  }
  process.stderr.write('@rocm-patch/mp: worker-bootstrap is started by pools only (createPool)\n');
  process.exit(2);
}

const config = readConfig();
(globalThis as Record<symbol, unknown>)[IDENTITY_SYMBOL] = Object.freeze({
  id: config.id,
  poolName: config.poolName,
  runtime: config.runtime,
});

function post(message: WorkerMessage, transfer: readonly TransferListItem[] = []): void {
  if (isMainThread) process.send?.(message);
  else parentPort?.postMessage(message, transfer as TransferListItem[]);
}

/**
 * A process worker must not outlive its parent. The IPC channel closing ('disconnect') covers a parent
 * that exits or is killed while this worker is idle; a watchdog thread covers a worker busy in a
 * synchronous loop, whose main thread cannot see the event: it polls the parent pid and kills the process
 * once the worker has been re-parented.
 */
function watchParent(parentPid: number): void {
  process.on('disconnect', () => process.exit(0));
  if (process.ppid !== parentPid) process.exit(0);
  const watchdog = new Worker(
    `const { workerData } = require('node:worker_threads');
     setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 250);`,
    { eval: true, workerData: parentPid, env: {}, execArgv: [], stdout: false, stderr: false },
  );
  watchdog.unref();
}

if (config.runtime === 'process') watchParent(config.parentPid);

const moduleReady: Promise<Record<string, unknown>> = import(config.moduleUrl);
moduleReady.then(
  () => post({ mp: 1, type: 'ready' }),
  (error: unknown) => post({ mp: 1, type: 'load-error', error: serializeError(error) }),
);

function findTask(namespace: Record<string, unknown>, name: string): (payload: unknown) => unknown {
  const direct = namespace[name];
  if (typeof direct === 'function') return direct as (payload: unknown) => unknown;
  // A CommonJS module's exports arrive as `default`.
  const fallback = namespace.default;
  if (typeof fallback === 'object' && fallback !== null) {
    const exported = (fallback as Record<string, unknown>)[name];
    if (typeof exported === 'function') return exported as (payload: unknown) => unknown;
  }
  const names = Object.keys(namespace).filter((key) => typeof namespace[key] === 'function');
  throw new TypeError(
    `task "${name}" is not a function exported by ${config.moduleUrl} (exported functions: ${names.join(', ') || 'none'})`,
  );
}

async function runTask(id: number, name: string, payload: unknown): Promise<void> {
  let namespace: Record<string, unknown>;
  try {
    namespace = await moduleReady;
  } catch {
    return; // reported as load-error; the pool kills this worker
  }
  let result: unknown;
  try {
    result = await findTask(namespace, name)(payload);
  } catch (error) {
    post({ mp: 1, type: 'error', id, error: serializeError(error) });
    return;
  }
  const [value, transfer] = isTransferredResult(result) ? [result.value, result.transfer] : [result, []];
  const detached = firstDetached(transfer);
  if (detached >= 0) {
    // postMessage would drop the message without a word, and the task would never settle.
    post({
      mp: 1,
      type: 'error',
      id,
      error: {
        name: 'TypeError',
        message: `the result of task "${name}" transfers an ArrayBuffer that is already detached (transfer[${detached}]): an earlier transfer moved it out of this worker, so it can be moved only once — return a copy (e.g. array.slice()) or leave it out of withTransfer`,
      },
    });
    return;
  }
  try {
    post({ mp: 1, type: 'result', id, value }, transfer);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    post({
      mp: 1,
      type: 'error',
      id,
      error: {
        name: 'TypeError',
        message: `the result of task "${name}" cannot be sent back: ${reason} (functions and class instances with private state do not cross workers)`,
      },
    });
  }
}

function onMessage(message: unknown): void {
  if (!isProtocolMessage(message)) return;
  const m = message as ParentMessage;
  if (m.type === 'close') setImmediate(() => process.exit(0));
  else if (m.type === 'task') void runTask(m.id, m.name, m.payload);
}

if (isMainThread) process.on('message', onMessage);
else parentPort?.on('message', onMessage);
