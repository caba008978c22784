import type { WorkerCrashError } from '@rocm-patch/mp';

/**
 * One epoch's worker deaths, against the loader's maxRestartsPerEpoch. The pool replaces a dead worker
 * and the loader sends its work again; this decides when that stops, and the error then lists what
 * happened — each death, what the worker was doing, how it died — rather than only the last one.
 */
export class RestartBudget {
  readonly #deaths = new Map<number, string[]>();

  constructor(
    readonly limit: number,
    readonly epoch: number,
  ) {}

  /**
   * Records that `worker` died while doing `what` ('batch 17', 'building its dataset'); returns the error
   * that ends the epoch once the worker has died more than `limit` times in it, else null.
   */
  record(worker: number, what: string, error: WorkerCrashError): Error | null {
    const deaths = this.#deaths.get(worker) ?? [];
    deaths.push(`${what} (${howItDied(error)})`);
    this.#deaths.set(worker, deaths);
    if (deaths.length <= this.limit) return null;
    return new Error(
      `loader worker ${worker} died ${deaths.length} times in epoch ${this.epoch}, more than maxRestartsPerEpoch (${this.limit}) allows; it died loading ${deaths.join('; ')}`,
      { cause: error },
    );
  }
}

function howItDied(error: WorkerCrashError): string {
  if (error.signal) return `killed by ${error.signal}`;
  if (error.exitCode !== null) return `exit code ${error.exitCode}`;
  return error.message;
}
