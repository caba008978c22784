// The DataLoader in the calling thread (numWorkers 0): ordering, epochs, errors and options.
import { describe, expect, it } from 'vitest';
import {
  BatchTimeoutError,
  DataLoader,
  DistributedSampler,
  type MapDataset,
  patchDataLoader,
  SampleError,
  SyntheticShapesDataset,
  TensorDataset,
} from '../src/index.js';
import { collect, fixture } from './helpers.js';

const range = (n: number): MapDataset<{ x: number }> => ({ length: n, getItem: (i) => ({ x: i }) });
const order = (batches: { indices: Int32Array }[]) => batches.flatMap((b) => [...b.indices]);

describe('DataLoader, numWorkers 0', () => {
  it('yields batches in sampler order with indices, a short last batch unless dropLast', async () => {
    const loader = new DataLoader({ dataset: range(10), batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = await collect(loader);
    expect(batches.map((b) => [...b.indices])).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(batches[0]!.x).toEqual({ data: new Int32Array([0, 1, 2, 3]), shape: [4] });
    const dropped = new DataLoader({ dataset: range(10), batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect(order(await collect(dropped))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('shuffles with a new permutation each epoch, the same for the same seed', async () => {
    const a = new DataLoader({ dataset: range(40), batchSize: 8, shuffle: true, seed: 5 });
    const b = new DataLoader({ dataset: range(40), batchSize: 8, shuffle: true, seed: 5 });
    const a0 = order(await collect(a));
    const a1 = order(await collect(a)); // the second iteration is epoch 1
    expect(a.epoch).toBe(2);
    expect([...a0].sort((x, y) => x - y)).toEqual([...Array(40).keys()]);
    expect(a1).not.toEqual(a0);
    expect(order(await collect(b))).toEqual(a0);
    b.setEpoch(1);
    expect(order(await collect(b))).toEqual(a1);
    const c = new DataLoader({ dataset: range(40), batchSize: 8, shuffle: true, seed: 6 });
    expect(order(await collect(c))).not.toEqual(a0);
  });

  it('takes custom samplers (any iterable of indices) and batch samplers', async () => {
    const loader = new DataLoader({ dataset: range(10), batchSize: 2, sampler: [9, 8, 7] });
    expect(order(await collect(loader))).toEqual([9, 8, 7]);
    const bs = new DataLoader({ dataset: range(10), batchSampler: [[1, 2], [5]] });
    expect((await collect(bs)).map((b) => [...b.indices])).toEqual([[1, 2], [5]]);
    const dist = new DataLoader({
      dataset: range(10),
      batchSize: 5,
      sampler: new DistributedSampler(10, { rank: 1, worldSize: 2, shuffle: false }),
    });
    expect(order(await collect(dist))).toEqual([1, 3, 5, 7, 9]);
    const bad = new DataLoader({ dataset: range(3), sampler: [0, 3] });
    await expect(collect(bad)).rejects.toThrow(/index 3 in batch 1, outside the dataset \[0, 3\)/);
  });

  it('reports a failing getItem with the sample index, the worker and the original error', async () => {
    const dataset: MapDataset = {
      length: 6,
      getItem: (i) => {
        if (i === 4) throw new RangeError('no sample 4 today');
        return { x: i };
      },
    };
    const error = await collect(new DataLoader({ dataset, batchSize: 2 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SampleError);
    const e = error as SampleError;
    expect(e.message).toMatch(
      /getItem\(4\) failed in the main process \(epoch 0\): RangeError: no sample 4 today/,
    );
    expect([e.index, e.workerId, e.batchIndex, e.originalName]).toEqual([4, null, 2, 'RangeError']);
    expect(e.stack).toMatch(/original stack:\n.*RangeError: no sample 4 today/);
  });

  it('reports a failing collate with the batch indices', async () => {
    const loader = new DataLoader({
      dataset: range(4),
      batchSize: 2,
      collate: () => {
        throw new Error('collate broke');
      },
    });
    await expect(collect(loader)).rejects.toThrow(
      /collating batch 0 \(dataset indices 0, 1\) failed .*collate broke/,
    );
  });

  it('a custom collate gets items and indices; the batch carries indices', async () => {
    const loader = new DataLoader({
      dataset: range(5),
      batchSize: 2,
      collate: (items: unknown[]) => ({ sum: (items as { x: number }[]).reduce((a, it) => a + it.x, 0) }),
    });
    const batches = await collect(loader);
    expect(batches.map((b) => b.sum)).toEqual([1, 5, 4]);
    expect(batches[2]!.indices).toEqual(new Int32Array([4]));
  });

  it('bounds an asynchronous batch with timeoutMs', async () => {
    const dataset: MapDataset = {
      length: 2,
      getItem: async (i) => {
        if (i === 1) await new Promise((resolve) => setTimeout(resolve, 2000));
        return { x: i };
      },
    };
    const error = await collect(new DataLoader({ dataset, timeoutMs: 100 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchTimeoutError);
    expect((error as BatchTimeoutError).batchIndex).toBe(1);
  });

  it('iterates iterable-style datasets, batching their items', async () => {
    async function* gen() {
      for (let i = 0; i < 5; i++) yield { x: i * 10 };
    }
    const loader = new DataLoader({ dataset: { [Symbol.asyncIterator]: gen }, batchSize: 2 });
    const batches = await collect(loader);
    expect(batches.map((b) => [...(b.x as { data: Int32Array }).data])).toEqual([[0, 10], [20, 30], [40]]);
    expect(() => loader.length).toThrow(/iterable-style dataset has no length/);
    expect(() => new DataLoader({ dataset: [{ x: 1 }], shuffle: true })).toThrow(
      /does not apply to an iterable/,
    );
  });

  it('builds a dataset from a module reference, knowing its length after ready()', async () => {
    const loader = new DataLoader({
      dataset: { module: fixture('probe-dataset.mjs'), export: 'makeProbe', args: [{ length: 7 }] },
      batchSize: 3,
    });
    expect(() => loader.length).toThrow(/await loader.ready\(\) first/);
    await loader.ready();
    expect(loader.length).toBe(3);
    expect(order(await collect(loader))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('rejects bad options with errors naming the argument', () => {
    const ds = range(3);
    expect(() => new DataLoader({ dataset: ds, batchSize: 0 })).toThrow(
      /options.batchSize must be an integer in \[1/,
    );
    // The documented bound, and the way past it (a batch sampler's lists are not bounded).
    expect(() => new DataLoader({ dataset: ds, batchSize: 1025 })).toThrow(
      'options.batchSize must be an integer in [1, 1024], got 1025',
    );
    expect(() => new DataLoader(undefined as never)).toThrow(
      new TypeError(
        'new DataLoader(options): options must be an object with at least { dataset }, got undefined',
      ),
    );
    expect(() => new DataLoader({ dataset: ds, numWorkers: -1 })).toThrow(/options.numWorkers/);
    expect(() => new DataLoader({ dataset: ds, prefetchFactor: 0 })).toThrow(/options.prefetchFactor/);
    expect(() => new DataLoader({ dataset: ds, runtime: 'fork' as 'thread' })).toThrow(/options.runtime/);
    expect(() => new DataLoader({ dataset: ds, seed: 2 ** 32 })).toThrow(/options.seed/);
    expect(() => new DataLoader({ dataset: ds, timeoutMs: 0 })).toThrow(/options.timeoutMs/);
    expect(() => new DataLoader({ dataset: ds, sampler: [0], shuffle: true })).toThrow(
      /excludes options.shuffle/,
    );
    expect(() => new DataLoader({ dataset: ds, batchSampler: [[0]], batchSize: 2 })).toThrow(
      /excludes options.batchSize/,
    );
    expect(() => new DataLoader({ dataset: {} as MapDataset })).toThrow(
      /options.dataset must be a map-style dataset/,
    );
    expect(() => new DataLoader({ dataset: { module: './x.mjs' } })).toThrow(/must be absolute/);
  });

  it('refuses closures where workers need module references', () => {
    expect(() => new DataLoader({ dataset: range(3), numWorkers: 2 })).toThrow(
      /a dataset instance cannot be sent to workers .* pass \{ module, export, args \}/,
    );
    const shapes = new SyntheticShapesDataset({ length: 3 });
    expect(() => new DataLoader({ dataset: shapes, numWorkers: 2, collate: (items) => ({ items }) })).toThrow(
      /options.collate: a function cannot be sent to workers/,
    );
    expect(() => new DataLoader({ dataset: shapes, numWorkers: 1, workerInit: (() => {}) as never })).toThrow(
      /options.workerInit: a function cannot be sent to workers/,
    );
    expect(
      () =>
        new DataLoader({
          dataset: { module: fixture('probe-dataset.mjs'), args: [{ length: 3, f: () => 1 }] },
        }),
    ).toThrow(/options.dataset.args.0.f is a function/);
  });

  it('cannot be iterated twice at once, nor after close', async () => {
    const loader = new DataLoader({ dataset: range(4) });
    const it = loader[Symbol.asyncIterator]();
    await it.next();
    await expect(collect(loader)).rejects.toThrow(/already being iterated/);
    await it.return();
    expect((await collect(loader)).length).toBe(4);
    await loader.close();
    await expect(collect(loader)).rejects.toThrow(/closed/);
  });

  it('patchDataLoader sets defaults for loaders created afterwards and can be undone', () => {
    const shapes = new SyntheticShapesDataset({ length: 3 });
    const restore = patchDataLoader({
      persistentWorkers: true,
      runtime: 'process',
      prefetchFactor: 4,
      numWorkers: 2,
    });
    try {
      const loader = new DataLoader({ dataset: shapes });
      expect([loader.persistentWorkers, loader.runtime, loader.prefetchFactor, loader.numWorkers]).toEqual([
        true,
        'process',
        4,
        2,
      ]);
      expect(new DataLoader({ dataset: shapes, runtime: 'thread', numWorkers: 0 }).runtime).toBe('thread');
      expect(() => patchDataLoader({ prefetchFactor: 0 })).toThrow(/defaults.prefetchFactor/);
    } finally {
      restore();
    }
    const after = new DataLoader({ dataset: shapes });
    expect([after.persistentWorkers, after.runtime, after.prefetchFactor, after.numWorkers]).toEqual([
      false,
      'thread',
      2,
      0,
    ]);
  });

  it('loads TensorDataset batches', async () => {
    const loader = new DataLoader({
      dataset: new TensorDataset({ x: new Float32Array([1, 2, 3]), y: new Int32Array([0, 1, 0]) }),
      batchSize: 3,
    });
    const [batch] = await collect(loader);
    expect(batch!.x).toEqual({ data: new Float32Array([1, 2, 3]), shape: [3] });
    expect(batch!.y).toEqual({ data: new Int32Array([0, 1, 0]), shape: [3] });
  });
});
