/**
 * Messages between a DataLoader and its worker task module (src/worker.ts). Plain data only: they cross
 * thread and process boundaries.
 */
import type { SampleFailure } from './errors.js';
import type { NormalisedRef } from './load-ref.js';

export type Runtime = 'thread' | 'process';

/** Sent (pinned) to each worker before its first batch, and again to a worker that replaced a dead one. */
export interface InitTask {
  /** Identifies the loader, so a worker never serves a batch with another loader's state. */
  key: string;
  dataset: NormalisedRef;
  collate: NormalisedRef | null;
  workerInit: NormalisedRef | null;
  workerId: number;
  numWorkers: number;
  seed: number;
  epoch: number;
  /** For iterable datasets, which batch inside the worker. */
  batchSize: number;
  dropLast: boolean;
  /** Process workers: where large batches are written for the main process to read (see shm.ts); null for IPC. */
  shmDir: string | null;
}

/** Broadcast to every worker when an epoch starts. */
export interface EpochTask {
  key: string;
  epoch: number;
  seed: number;
}

/** A map-style batch: these dataset indices, in this order. */
export interface BatchTask {
  key: string;
  epoch: number;
  batchIndex: number;
  indices: Int32Array;
  /** Process workers: batch files the main process has read, handed back for this worker to overwrite. */
  spareFiles?: string[];
}

/** The next batch of this worker's shard of an iterable dataset. */
export interface NextTask {
  key: string;
  epoch: number;
  spareFiles?: string[];
}

export type BatchReply =
  | {
      kind: 'batch';
      batch: Record<string, unknown> & { indices: Int32Array };
      /** Process workers: the shared-memory file holding the batch's arrays, `bytes` long. */
      file?: string;
      bytes?: number;
    }
  | { kind: 'done' }
  | { kind: 'needInit' }
  | { kind: 'error'; failure: SampleFailure };

export interface InitReply {
  kind: 'map' | 'iterable';
  length: number | null;
}
