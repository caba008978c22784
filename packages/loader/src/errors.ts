/** What a worker reports when getItem or collate throws (plain data: it crosses the worker boundary). */
export interface SampleFailure {
  message: string;
  name: string;
  stack: string | undefined;
  /** The dataset index whose getItem threw, or null when collate (or the iterator) threw. */
  index: number | null;
  /** The batch's dataset indices. */
  indices: number[];
  /** The original error's `code` (a string or number), when it had one. */
  code?: string | number;
}

/**
 * getItem, collate or an iterable dataset threw while a batch was loaded. Names the worker, the sample
 * index and carries the original message; the stack is the original one (from the worker when there is one).
 */
export class SampleError extends Error {
  override name = 'SampleError';
  /** The loader worker (0 ≤ id < numWorkers), or null for the main process (numWorkers 0). */
  readonly workerId: number | null;
  /** The dataset index whose getItem threw; null when collate threw. */
  readonly index: number | null;
  readonly batchIndex: number;
  readonly epoch: number;
  /** The original error's name and message. */
  readonly originalName: string;
  readonly originalMessage: string;
  /** The original error's `code`, when it had one (`throw { code, message }` included). */
  readonly code: string | number | undefined;

  constructor(
    failure: SampleFailure,
    details: { workerId: number | null; batchIndex: number; epoch: number },
  ) {
    const where = details.workerId === null ? 'the main process' : `loader worker ${details.workerId}`;
    const what =
      failure.index === null
        ? `collating batch ${details.batchIndex} (dataset indices ${failure.indices.join(', ')})`
        : `getItem(${failure.index})`;
    super(`${what} failed in ${where} (epoch ${details.epoch}): ${failure.name}: ${failure.message}`);
    this.workerId = details.workerId;
    this.index = failure.index;
    this.batchIndex = details.batchIndex;
    this.epoch = details.epoch;
    this.originalName = failure.name;
    this.originalMessage = failure.message;
    this.code = failure.code;
    if (failure.stack) this.stack = `${this.name}: ${this.message}\n  original stack:\n${failure.stack}`;
  }
}

/**
 * What getItem or collate threw, as plain data. An Error, or an error-like object (`throw { code, message }`),
 * keeps its name, message, stack and code; any other value becomes the message.
 */
export function toFailure(error: unknown, index: number | null, indices: ArrayLike<number>): SampleFailure {
  const e = error as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown } | null;
  const errorLike =
    typeof e === 'object' && e !== null && (error instanceof Error || typeof e.message === 'string');
  const failure: SampleFailure = errorLike
    ? {
        message: String(e.message),
        name: typeof e.name === 'string' && e.name !== '' ? e.name : 'Error',
        stack: typeof e.stack === 'string' ? e.stack : undefined,
        index,
        indices: Array.from(indices),
      }
    : { message: thrownValue(error), name: 'Error', stack: undefined, index, indices: Array.from(indices) };
  const code = errorLike ? e.code : undefined;
  if (typeof code === 'string' || typeof code === 'number') failure.code = code;
  return failure;
}

function thrownValue(value: unknown): string {
  try {
    return typeof value === 'string' ? value : `non-Error value thrown: ${String(value)}`;
  } catch {
    return `non-Error value thrown: ${Object.prototype.toString.call(value)}`;
  }
}

/** A batch took longer than the loader's timeoutMs. */
export class BatchTimeoutError extends Error {
  override name = 'BatchTimeoutError';
  readonly batchIndex: number;
  readonly workerId: number | null;
  readonly timeoutMs: number;

  constructor(details: { batchIndex: number; workerId: number | null; timeoutMs: number; cause?: unknown }) {
    const where = details.workerId === null ? 'the main process' : `loader worker ${details.workerId}`;
    super(
      `batch ${details.batchIndex} took longer than timeoutMs=${details.timeoutMs} in ${where}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.batchIndex = details.batchIndex;
    this.workerId = details.workerId;
    this.timeoutMs = details.timeoutMs;
  }
}
