import { createPool, TaskError, TaskTimeoutError, WorkerCrashError } from '@rocm-patch/mp';
import type { ProbeResult } from '../strategy/router.js';
import type { Capabilities, ConvProblem } from '../strategy/types.js';

/** The probe worker's file: dist/probe-worker.mjs (process workers cannot load the .ts sources). */
export function probeWorkerUrl(from: string = import.meta.url): string {
  const fromSource = /\.[cm]?tsx?$/.test(new URL(from).pathname);
  return new URL(fromSource ? '../../dist/probe-worker.mjs' : './probe-worker.mjs', from).href;
}

/** What the probe worker receives. */
export interface ProbeRequest {
  problem: ConvProblem;
  key: string;
  /** A module exporting createVendorAlgorithm() to use instead of the native vendor path (tests). */
  vendorModule?: string | undefined;
}

/**
 * Runs the vendor path for one key in a fresh process (its own @rocm-patch/mp pool, GPUs visible), with a
 * timeout. The process is thrown away afterwards whatever happened, so a hung or crashed vendor library
 * never touches this process. Never rejects: returns 'ok', 'error' (it threw or computed a wrong result),
 * 'crash' (the process died) or 'hang' (the timeout passed; the process was killed).
 */
export async function probeVendorPath(
  problem: ConvProblem,
  key: string,
  capabilities: Pick<Capabilities, 'vendorModule'>,
  timeoutMs: number,
): Promise<ProbeResult> {
  const pool = createPool({
    module: probeWorkerUrl(),
    runtime: 'process',
    size: 1,
    hideGpus: false,
    maxRestarts: 0,
    taskTimeoutMs: timeoutMs,
    killGraceMs: 500,
    name: 'rocm-patch-conv-probe',
  });
  const request: ProbeRequest = { problem, key, vendorModule: capabilities.vendorModule };
  try {
    const { ms } = (await pool.run('probeConv', request)) as { ms: number };
    return { outcome: 'ok', ms };
  } catch (error) {
    if (error instanceof TaskTimeoutError) {
      return { outcome: 'hang', detail: `no answer within ${timeoutMs} ms; the probe process was killed` };
    }
    if (error instanceof WorkerCrashError) {
      const how = error.signal ? `signal ${error.signal}` : `exit code ${error.exitCode}`;
      return {
        outcome: 'crash',
        detail: `the probe process died (${how})${error.duringLoad ? ' while loading' : ''}`,
      };
    }
    if (error instanceof TaskError)
      return { outcome: 'error', detail: `${error.remoteName}: ${error.message}` };
    return {
      outcome: 'error',
      detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  } finally {
    await pool.terminate();
  }
}
