// The DataLoader with worker threads and processes (through @rocm-patch/mp). Workers load the built
// task module (dist/worker.mjs) and the plain .mjs fixtures, so the package is built before these run.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Batch,
  BatchTimeoutError,
  DataLoader,
  type DataLoaderOptions,
  SampleError,
  SyntheticShapesDataset,
  type Tensor,
} from '../src/index.js';
import { MAX_SPARE_FILES } from '../src/shm.js';
import { collect, eventually, fixture, isAlive, removeDir, tempDir, threadCount } from './helpers.js';

const probe = (options: Record<string, unknown>) => ({
  module: fixture('probe-dataset.mjs'),
  export: 'ProbeDataset',
  args: [options],
});
const field = (batches: Batch[], key: string) =>
  batches.flatMap((b) => [...(b[key] as Tensor).data].map(Number));
const order = (batches: { indices: Int32Array }[]) => batches.flatMap((b) => [...b.indices]);
const runtimes = ['thread', 'process'] as const;
const dir = tempDir();
afterAll(() => removeDir(dir));

/** Equal images, labels and indices (checked without toEqual, whose diff of megabytes of floats takes minutes). */
function sameBatch(a: Batch, b: Batch): boolean {
  const same = (x: ArrayLike<number | bigint>, y: ArrayLike<number | bigint>) =>
    x.length === y.length && Array.prototype.every.call(x, (v: unknown, i: number) => Object.is(v, y[i]));
  const [ai, bi] = [a.image as Tensor, b.image as Tensor];
  return (
    same(ai.data, bi.data) &&
    ai.shape.join() === bi.shape.join() &&
    same((a.label as Tensor).data, (b.label as Tensor).data) &&
    same(a.indices, b.indices)
  );
}

async function epochs(options: DataLoaderOptions, count: number): Promise<Batch[][]> {
  const loader = new DataLoader(options);
  try {
    const out: Batch[][] = [];
    for (let e = 0; e < count; e++) out.push((await collect(loader)) as Batch[]);
    return out;
  } finally {
    await loader.close();
  }
}

describe.each(runtimes)('DataLoader workers (%s)', (runtime) => {
  it('delivers every sample exactly once per epoch, in the same order and with the same random values for 0/1/2/4 workers', async () => {
    const results = [];
    for (const numWorkers of [0, 1, 2, 4]) {
      const [e0, e1] = await epochs(
        {
          dataset: probe({ length: 37 }),
          batchSize: 4,
          shuffle: true,
          seed: 1234,
          numWorkers,
          runtime,
          persistentWorkers: true,
        },
        2,
      );
      for (const e of [e0!, e1!]) {
        expect([...order(e)].sort((a, b) => a - b)).toEqual([...Array(37).keys()]);
        expect(field(e, 'x')).toEqual(order(e));
      }
      if (numWorkers > 0) {
        const workers = new Set(field(e0!, 'worker'));
        expect(workers.size).toBe(numWorkers); // the work really was spread over the workers
      }
      results.push({ order: [order(e0!), order(e1!)], r: [field(e0!, 'r'), field(e1!, 'r')] });
    }
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
    expect(results[0]!.order[0]).not.toEqual(results[0]!.order[1]); // epochs reshuffle
  });

  it('gives identical augmented images for the same seed whatever numWorkers', async () => {
    const images = [];
    for (const numWorkers of [0, 1, 2, 4]) {
      const [e0, e1] = await epochs(
        {
          dataset: new SyntheticShapesDataset({ length: 12, size: 8, augment: true }),
          batchSize: 5,
          shuffle: true,
          seed: 99,
          numWorkers,
          runtime,
          persistentWorkers: numWorkers === 4, // one non-persistent and one persistent layout
        },
        2,
      );
      images.push([e0!, e1!].map((e) => e.map((b) => [[...b.indices], [...(b.image as Tensor).data]])));
    }
    for (const im of images.slice(1)) expect(im).toEqual(images[0]);
    expect(images[0]![0]).not.toEqual(images[0]![1]); // augmentation differs per epoch
  });

  it('replaces a worker killed mid-epoch and still delivers every sample exactly once', async () => {
    const killMarker = join(dir, `kill-${runtime}`);
    const [e0, e1] = await epochs(
      {
        dataset: probe({ length: 40, killAt: 13, killMarker }),
        batchSize: 3,
        shuffle: true,
        seed: 8,
        numWorkers: 2,
        runtime,
        persistentWorkers: true,
      },
      2,
    );
    expect(existsSync(killMarker)).toBe(true); // the worker really died
    for (const e of [e0!, e1!]) {
      expect([...order(e)].sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
      expect(field(e, 'x')).toEqual(order(e));
    }
    const where = runtime === 'process' ? 'pid' : 'thread';
    expect(new Set([...field(e0!, where), ...field(e1!, where)]).size).toBe(3); // two workers and a replacement
  });

  it('reports an error in getItem with the worker, the sample index and the original message', async () => {
    const loader = new DataLoader({
      dataset: probe({ length: 20, failAt: 11 }),
      batchSize: 4,
      numWorkers: 2,
      runtime,
    });
    const error = await collect(loader).catch((e: unknown) => e);
    await loader.close();
    expect(error).toBeInstanceOf(SampleError);
    const e = error as SampleError;
    expect(e.index).toBe(11);
    expect(e.batchIndex).toBe(2);
    expect([0, 1]).toContain(e.workerId);
    expect(e.message).toMatch(
      new RegExp(
        `getItem\\(11\\) failed in loader worker ${e.workerId} \\(epoch 0\\): RangeError: probe refuses index 11`,
      ),
    );
    expect(e.stack).toMatch(/probe-dataset\.mjs/); // the worker's original stack
  });

  it('leaves no worker after close, nor after break out of the loop', async () => {
    // Persistent workers: alive between epochs, gone after close().
    const persistent = new DataLoader({
      dataset: probe({ length: 8 }),
      batchSize: 2,
      numWorkers: 2,
      runtime,
      persistentWorkers: true,
    });
    const baseline = threadCount();
    const first = (await collect(persistent)) as Batch[];
    const second = (await collect(persistent)) as Batch[];
    const key = runtime === 'process' ? 'pid' : 'thread';
    expect(new Set(field(second, key))).toEqual(new Set(field(first, key))); // the same workers served both epochs
    const pids = [...new Set(field(first, 'pid'))];
    if (runtime === 'process') expect(pids.every(isAlive)).toBe(true);
    else expect(threadCount()).toBeGreaterThanOrEqual(baseline + 2);
    await persistent.close();
    if (runtime === 'process') expect(await eventually(() => !pids.some(isAlive))).toBe(true);
    else expect(await eventually(() => threadCount() <= baseline)).toBe(true);

    // Non-persistent workers, loop abandoned after the first batch: gone as the loop exits.
    const loader = new DataLoader({
      dataset: probe({ length: 100, slowAt: 50 }),
      batchSize: 2,
      numWorkers: 2,
      runtime,
    });
    let seen: number[] = [];
    for await (const batch of loader) {
      seen = field([batch as Batch], 'pid');
      if (runtime === 'thread') expect(threadCount()).toBeGreaterThanOrEqual(baseline + 2);
      break;
    }
    if (runtime === 'process') expect(await eventually(() => !seen.some(isAlive))).toBe(true);
    else expect(await eventually(() => threadCount() <= baseline)).toBe(true);
    // A later epoch starts fresh workers.
    const again = (await collect(loader)) as Batch[];
    expect(order(again)).toEqual([...Array(100).keys()]);
    if (runtime === 'process') expect(field(again, 'pid').some((p) => seen.includes(p))).toBe(false);
  });

  it('moves thread batches by transfer (the worker keeps no copy) and copies process batches', async () => {
    const loader = new DataLoader({
      dataset: probe({ length: 6 }),
      collate: { module: fixture('probe-dataset.mjs'), export: 'keepingCollate' },
      batchSize: 2,
      numWorkers: 1,
      runtime,
    });
    const batches = (await collect(loader)) as Batch[];
    // Each item reports whether the previous batch's buffer, still referenced in the worker, was detached.
    expect(field(batches, 'detached')).toEqual(
      runtime === 'thread' ? [-1, -1, 1, 1, 1, 1] : [-1, -1, 0, 0, 0, 0],
    );
  });
});

describe('DataLoader workers (thread)', () => {
  it('runs workerInit in each worker and keeps at most prefetchFactor × numWorkers batches in flight', async () => {
    const counter = new SharedArrayBuffer(4);
    const loader = new DataLoader({
      dataset: probe({ length: 30, started: counter }),
      workerInit: { module: fixture('probe-dataset.mjs'), export: 'probeInit' },
      numWorkers: 2,
      prefetchFactor: 2,
    });
    const it = loader[Symbol.asyncIterator]();
    const first = (await it.next()).value as Batch;
    const started = () => Atomics.load(new Int32Array(counter), 0);
    // The consumer holds on to batch 0: the workers load ahead up to 4 batches (0-3), then must wait.
    expect(await eventually(() => started() >= 4, 30_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(started()).toBe(4);
    const rest = [first, ...((await collect({ [Symbol.asyncIterator]: () => it })) as Batch[])];
    expect(order(rest)).toEqual([...Array(30).keys()]);
    expect(new Set(field(rest, 'init'))).toEqual(new Set([100, 101]));
    await loader.close();
  });

  it('withdraws the prefetched batches no worker has started when a loop breaks early', async () => {
    const counter = new SharedArrayBuffer(4);
    const started = () => Atomics.load(new Int32Array(counter), 0);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const loader = new DataLoader({
      dataset: probe({ length: 12, everyMs: 200, started: counter }),
      numWorkers: 1,
      prefetchFactor: 12, // more than 10 batches wait on the epoch's end: no MaxListenersExceededWarning
      persistentWorkers: true,
    });
    for await (const batch of loader) {
      // Batch 0 is here and batch 1 has just started; 2 to 11 wait in the queue.
      expect(order([batch as Batch])).toEqual([0]);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(started()).toBe(2); // only the batch already running was finished
    // The next epoch is whole and starts at once (the worker is not busy with the last one's leftovers).
    const next = (await collect(loader)) as Batch[];
    expect(order(next)).toEqual([...Array(12).keys()]);
    expect(started()).toBe(14);
    await loader.close();
    process.off('warning', onWarning);
    expect(warnings.map(String)).toEqual([]);
  });

  it('yields in sampler order despite a slow batch, or as batches arrive with inOrder: false', async () => {
    const options = { dataset: probe({ length: 8, slowAt: 0, slowMs: 1500 }), numWorkers: 2 };
    const inOrder = (await collect(new DataLoader(options))) as Batch[];
    expect(order(inOrder)).toEqual([...Array(8).keys()]);
    const asTheyCome = (await collect(new DataLoader({ ...options, inOrder: false }))) as Batch[];
    expect(order(asTheyCome)[0]).not.toBe(0);
    expect([...order(asTheyCome)].sort((a, b) => a - b)).toEqual([...Array(8).keys()]);
  });

  it('fails a batch that takes longer than timeoutMs', async () => {
    const loader = new DataLoader({
      dataset: probe({ length: 6, hangAt: 3 }),
      numWorkers: 2,
      timeoutMs: 500,
    });
    const error = await collect(loader).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchTimeoutError);
    expect((error as BatchTimeoutError).batchIndex).toBe(3);
    await loader.close();
  });

  it('shards iterable datasets across workers with workerInfo()', async () => {
    const loader = new DataLoader({
      dataset: { module: fixture('range-iterable.mjs'), export: 'RangeIterable', args: [10] },
      batchSize: 2,
      numWorkers: 2,
      seed: 40,
    });
    const batches = (await collect(loader)) as Batch[];
    expect(batches.map((b) => field([b], 'x'))).toEqual([[0, 2], [1, 3], [4, 6], [5, 7], [8], [9]]);
    expect(batches.map((b) => field([b], 'seed')[0])).toEqual([40, 41, 40, 41, 40, 41]); // baseSeed + workerId
    const failing = new DataLoader({
      dataset: { module: fixture('range-iterable.mjs'), export: 'RangeIterable', args: [10, 5] },
      batchSize: 2,
      numWorkers: 2,
    });
    await expect(collect(failing)).rejects.toThrow(/failed in loader worker 1 .*iterable refuses 5/);
  });

  it('reports a module reference that names no export', async () => {
    const loader = new DataLoader({
      dataset: { module: fixture('probe-dataset.mjs'), export: 'Nope' },
      numWorkers: 1,
    });
    const before = threadCount();
    await expect(loader.ready()).rejects.toThrow(/has no export named 'Nope'/);
    expect(await eventually(() => threadCount() <= before)).toBe(true); // the worker that tried is gone
    await expect(collect(loader)).rejects.toThrow(/has no export named 'Nope'/);
  });
});

describe('DataLoader workers (process)', () => {
  it('hands large batches over through shared memory and removes its files when done', async () => {
    const ours = () =>
      existsSync('/dev/shm')
        ? readdirSync('/dev/shm').filter((d) => d.startsWith(`rocm-patch-loader-${process.pid}-`))
        : [];
    const dataset = new SyntheticShapesDataset({ length: 40, size: 48, augment: true });
    const options = { dataset, batchSize: 32, seed: 3 }; // 32 × 3 × 48 × 48 float32 = 864 KiB: under 1 MiB
    // 1.5 MiB per full batch; 5 full batches, so each worker collates into its reused memory again and again.
    const big = { ...options, dataset: new SyntheticShapesDataset({ length: 168, size: 64, augment: true }) };
    const inline = (await collect(new DataLoader(big))) as Batch[];
    const loader = new DataLoader({ ...big, numWorkers: 2, runtime: 'process', persistentWorkers: true });
    const batches = (await collect(loader)) as Batch[];
    expect(batches.length).toBe(inline.length);
    expect(batches.every((b, i) => sameBatch(b, inline[i]!))).toBe(true);
    const files = () => ours().flatMap((d) => readdirSync(join('/dev/shm', d)));
    if (process.platform === 'linux' && existsSync('/dev/shm')) {
      // Full batches came through a file: their arrays are views on one buffer (the short last one, under 1 MiB, did not).
      expect((batches[0]!.image as Tensor).data.buffer).toBe(batches[0]!.indices.buffer);
      expect((batches[5]!.image as Tensor).data.buffer).not.toBe(batches[5]!.indices.buffer);
      expect(ours().length).toBe(1);
      // Files read are handed back to their worker, which overwrites them: a worker creates a few and
      // then reuses them (names count up per worker process), holding at most MAX_SPARE_FILES spare.
      const created = () => Math.max(...files().map((f) => Number(/-(\d+)\.batch$/.exec(f)![1])));
      for (let e = 0; e < 3; e++) await collect(loader); // 4 epochs: 10 file batches per worker
      expect(files().length).toBeGreaterThan(0);
      expect(created()).toBeLessThanOrEqual(5);
      // Loops that break early: the batch files that still arrive for them are deleted unread, not
      // left behind (10 breaks would leave ~20).
      for (let b = 0; b < 10; b++) for await (const _ of loader) break;
      expect(await eventually(() => files().length <= 2 * (MAX_SPARE_FILES + 2))).toBe(true);
      loader.setEpoch(0); // augmentations draw from (seed, epoch): epoch 0 again gives the same values
      const again = (await collect(loader)) as Batch[];
      expect(again.length).toBe(inline.length);
      expect(again.every((b, i) => sameBatch(b, inline[i]!))).toBe(true);
    }
    await loader.close();
    expect(ours()).toEqual([]);
    const small = (await collect(
      new DataLoader({ ...options, numWorkers: 1, runtime: 'process' }),
    )) as Batch[];
    expect(small).toEqual(await collect(new DataLoader(options)));
    expect((small[0]!.image as Tensor).data.buffer).not.toBe(small[0]!.indices.buffer); // under 1 MiB: IPC
    // Each array arrived with a buffer of its own, not the worker's whole collate memory.
    const smallImage = (small[0]!.image as Tensor).data;
    expect(smallImage.byteLength).toBe(smallImage.buffer.byteLength);
    expect(ours()).toEqual([]);
    // Iterable datasets too: 2 × 150,000 floats = 1.2 MB per batch.
    const iterable = new DataLoader({
      dataset: { module: fixture('range-iterable.mjs'), export: 'RangeIterable', args: [6, -1, 150_000] },
      batchSize: 2,
      numWorkers: 2,
      runtime: 'process',
    });
    const streamed = (await collect(iterable)) as Batch[];
    expect(streamed.map((b) => field([b], 'x'))).toEqual([[0, 2], [1, 3], [4], [5]]);
    const data = streamed[0]!.data as Tensor;
    expect(data.shape).toEqual([2, 150_000]);
    expect([data.data[0], data.data[150_000]]).toEqual([0, 2]);
    expect(data.data.buffer).toBe(streamed[0]!.indices.buffer);
    expect(ours()).toEqual([]);

    // A program that exits without closing its persistent loader leaves no directory behind either.
    const program = `
      import { DataLoader, SyntheticShapesDataset } from ${JSON.stringify(new URL('../dist/index.mjs', import.meta.url).href)};
      const loader = new DataLoader({ dataset: new SyntheticShapesDataset({ length: 40, size: 64 }), batchSize: 32,
        numWorkers: 1, runtime: 'process', persistentWorkers: true });
      for await (const batch of loader) if (batch.indices.length === 32 && batch.image.data.buffer !== batch.indices.buffer) throw new Error('no file');
      console.log(process.pid);
      process.exit(0);`;
    // A file, not `node -e`: process workers inherit the parent's execArgv, and `-e` would run the program again.
    const file = join(dir, 'exit-without-close.mjs');
    writeFileSync(file, program);
    const pid = execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 }).trim();
    expect(Number(pid)).toBeGreaterThan(0);
    if (existsSync('/dev/shm')) {
      expect(readdirSync('/dev/shm').filter((d) => d.startsWith(`rocm-patch-loader-${pid}-`))).toEqual([]);
    }
  });
});
