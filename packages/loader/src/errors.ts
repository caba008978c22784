/** What a worker reports when getItem or collate throws (plain data: it crosses the worker boundary). */
export interface SampleFailure {
  message: string;
  name: string;
  stack: string | undefined;
  /** The dataset index whose getItem threw, or null when collate (or the iterator) threw. */
  index: number | null;
  /** The batch's dataset indices. */
  indices: number[];
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
    if (failure.stack) this.stack = `${this.name}: ${this.message}\n  original stack:\n${failure.stack}`;
  }
}

export function toFailure(error: unknown, index: number | null, indices: ArrayLike<number>): SampleFailure {
  const e = error instanceof Error ? error : new Error(String(error));
  return { message: e.message, name: e.name, stack: e.stack, index, indices: Array.from(indices) };
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
