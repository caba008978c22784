// Hardening: collate of values it cannot stack, async collate, error-like throws, unknown options, a
// custom collate that hands over the dataset's memory, /dev/shm cleanup on signals and after SIGKILL, and
// the per-epoch restart budget. Hangs and signals are tested in child processes with a timeout.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DataLoader,
  type DataLoaderOptions,
  DistributedSampler,
  defaultCollate,
  patchDataLoader,
  RandomSampler,
  SampleError,
  SyntheticShapesDataset,
  toTfDataset,
} from '../src/index.js';
import { sweepDeadShmDirs } from '../src/shm-cleanup.js';
import { collect, fixture, removeDir, tempDir } from './helpers.js';

const ref = (exportName: string, ...args: unknown[]) => ({
  module: fixture('hardening.mjs'),
  export: exportName,
  args,
});
const runtimes = ['thread', 'process'] as const;
const dir = tempDir();
afterAll(() => removeDir(dir));

async function firstError(options: DataLoaderOptions): Promise<unknown> {
  const loader = new DataLoader(options);
  try {
    await collect(loader);
  } catch (error) {
    return error;
  } finally {
    await loader.close();
  }
  throw new Error('expected the epoch to fail');
}

interface ChildRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  lines: Record<string, unknown>[];
  stderr: string;
  timedOut: boolean;
  pid: number;
}

/** Runs a fixture script in a child process, killed after `ms`; `onLine` sees each JSON line of its output. */
function runChild(
  script: string,
  args: string[],
  onLine: (line: Record<string, unknown>, pid: number) => void = () => {},
  ms = 30_000,
): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(fixture(script)), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    let pending = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => {
      pending += d;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = JSON.parse(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        lines.push(line);
        onLine(line, child.pid!);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ms);
    child.on('exit', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, lines, stderr, timedOut, pid: child.pid! });
    });
  });
}

const shmDirsOf = (pid: number) =>
  existsSync('/dev/shm')
    ? readdirSync('/dev/shm').filter((n) => n.startsWith(`rocm-patch-loader-${pid}-`))
    : [];

describe('the default collate refuses values it cannot stack, naming the field and the sample', () => {
  it.each([
    ['Date', 'a Date'],
    ['Map', 'a Map'],
    ['Promise', 'a Promise'],
    ['Error', 'an Error'],
    ['RegExp', 'a RegExp'],
    ['undefined', 'undefined'],
  ])('%s', (kind, described) => {
    const items = [0, 1].map((i) => ({
      v: i,
      odd: {
        Date: new Date(i),
        Map: new Map(),
        Promise: Promise.resolve(),
        Error: new Error(),
        RegExp: /x/,
        undefined,
      }[kind],
    }));
    expect(() => defaultCollate(items, [7, 8])).toThrow(
      new TypeError(
        `field 'odd' of dataset index 7 is ${described}: the default collate supports numbers, bigints, typed arrays, { data, shape } tensors and plain objects or arrays of them; pass a custom collate`,
      ),
    );
  });

  it('a Date where the first item has a plain object, and a Date as the item itself', () => {
    expect(() => defaultCollate([{ o: {} }, { o: new Date(0) }], [3, 4])).toThrow(
      /^field 'o' of dataset index 4 is a Date but the batch's first item has a plain object there$/,
    );
    expect(() => defaultCollate([new Date(0)], [5])).toThrow(
      /the default collate needs items that are plain objects or arrays of fields \(dataset index 5 gave a Date\)/,
    );
  });

  it.each(runtimes)('in %s workers the error is the same, as a SampleError', async (runtime) => {
    const error = (await firstError({
      dataset: ref('OddFields', { length: 4, kind: 'Map' }),
      batchSize: 2,
      numWorkers: 1,
      runtime,
    })) as SampleError;
    expect(error).toBeInstanceOf(SampleError);
    expect(error.message).toMatch(
      /^collating batch 0 \(dataset indices 0, 1\) failed in loader worker 0 \(epoch 0\): TypeError: field 'odd' of dataset index 0 is a Map:/,
    );
  });
});

describe('a custom collate', () => {
  it.each([0, 1, 2])(
    'that is async gives the same batches inline and in thread and process workers (numWorkers %i)',
    async (numWorkers) => {
      const results: unknown[] = [];
      for (const runtime of runtimes) {
        const loader = new DataLoader({
          dataset: ref('Numbers', { length: 5 }),
          collate:
            numWorkers === 0
              ? ((await import(fixture('hardening.mjs'))).asyncCollate as never)
              : ref('asyncCollate'),
          batchSize: 2,
          numWorkers,
          runtime,
        });
        const batches = await collect(loader);
        await loader.close();
        results.push(
          batches.map((b) => ({ v: [...(b as unknown as { v: Float64Array }).v], indices: [...b.indices] })),
        );
      }
      expect(results[0]).toEqual([
        { v: [0, 10], indices: [0, 1] },
        { v: [20, 30], indices: [2, 3] },
        { v: [40], indices: [4] },
      ]);
      expect(results[1]).toEqual(results[0]);
    },
  );

  it.each(runtimes)(
    'may return Dates, Maps and RegExps: %s workers deliver them as they are',
    async (runtime) => {
      const loader = new DataLoader({
        dataset: ref('Numbers', { length: 2 }),
        collate: ref('richCollate'),
        batchSize: 1,
        numWorkers: 1,
        runtime,
      });
      const batches = (await collect(loader)) as unknown as {
        when: Date;
        names: Map<string, number>;
        pattern: RegExp;
        big: Float32Array;
      }[];
      await loader.close();
      expect(batches.map((b) => b.when)).toEqual([new Date(1_700_000_000_000), new Date(1_700_000_000_001)]);
      expect(batches.map((b) => b.names)).toEqual([new Map([['first', 0]]), new Map([['first', 1]])]);
      expect(batches[1]!.pattern).toEqual(/ab+c/i);
      expect(batches[1]!.big.length).toBe(300_000);
      expect(batches[1]!.big[299_999]).toBe(1);
    },
  );

  it("that hands over the dataset's own arrays fails the next epoch with an error naming the field (persistent thread loader, in a child process)", async () => {
    const run = await runChild('detached-loader.mjs', []);
    expect(run).toMatchObject({ status: 0, timedOut: false, stderr: '' });
    expect(run.lines).toEqual([
      { epoch: 0, ok: true, seen: [0, 1, 2] },
      {
        epoch: 1,
        ok: false,
        name: 'SampleError',
        message:
          "collating batch 0 (dataset indices 0) failed in loader worker 0 (epoch 1): TypeError: the batch's field 'x' is an array whose memory was already moved to the main thread with an earlier batch: thread workers transfer a batch's buffers, so a collate that returns the dataset's own arrays (e.g. items[0].x) hands them over once — return copies (x.slice()) or new arrays",
      },
    ]);
  });
});

describe('errors thrown as plain objects', () => {
  it.each([0, 1])('keep their message and code (numWorkers %i)', async (numWorkers) => {
    const error = (await firstError({
      dataset: ref('ThrowsErrorLike', { length: 4, failAt: 2 }),
      batchSize: 2,
      numWorkers,
    })) as SampleError;
    expect(error).toBeInstanceOf(SampleError);
    expect(error.message).toBe(
      `getItem(2) failed in ${numWorkers ? 'loader worker 0' : 'the main process'} (epoch 0): Error: sample 2 is corrupt`,
    );
    expect(error).toMatchObject({ originalMessage: 'sample 2 is corrupt', code: 'E_BAD_SAMPLE', index: 2 });
  });
});

describe('unknown options', () => {
  it('new DataLoader with no options names the class', () => {
    expect(() => new (DataLoader as unknown as new () => unknown)()).toThrow(
      /^new DataLoader\(options\): options must be an object with at least \{ dataset \}, got undefined$/,
    );
  });

  it('are refused with the nearest valid name, in every options object of the package', () => {
    const dataset = new SyntheticShapesDataset({ length: 4 });
    expect(() => new DataLoader({ dataset, numWorker: 4 } as never)).toThrow(
      /^new DataLoader: options\.numWorker is not an option — did you mean options\.numWorkers\?/,
    );
    expect(
      () => new DataLoader({ dataset: { module: fixture('hardening.mjs'), exports: 'Numbers' } } as never),
    ).toThrow(
      /^new DataLoader: options\.dataset\.exports is not an option — did you mean options\.dataset\.export\?/,
    );
    expect(() => patchDataLoader({ persistentWorker: true } as never)).toThrow(
      /^patchDataLoader: defaults\.persistentWorker is not an option — did you mean defaults\.persistentWorkers\?/,
    );
    expect(() => new SyntheticShapesDataset({ length: 4, chanels: 1 } as never)).toThrow(
      /^new SyntheticShapesDataset: options\.chanels is not an option — did you mean options\.channels\?/,
    );
    expect(() => new RandomSampler(4, { seeds: 1 } as never)).toThrow(/did you mean options\.seed\?/);
    expect(() => new DistributedSampler(4, { rank: 0, worldSize: 1, drop_last: true } as never)).toThrow(
      /did you mean options\.dropLast\?/,
    );
    const tf = { data: { generator: () => ({}) }, tensor: () => ({}) };
    expect(() => toTfDataset(new DataLoader({ dataset }), tf, { xkey: 'image' } as never)).toThrow(
      /^toTfDataset: options\.xkey is not an option — did you mean options\.xKey\?/,
    );
  });
});

describe.skipIf(!existsSync('/dev/shm'))('/dev/shm batch directories', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'are removed when %s stops the program mid-epoch, which still dies of the signal',
    async (signal) => {
      let dirsWhenReady: string[] = [];
      const run = await runChild('signal-loader.mjs', ['plain'], (line, pid) => {
        if (line.ready) {
          dirsWhenReady = shmDirsOf(pid);
          process.kill(pid, signal);
        }
      });
      expect(dirsWhenReady).toHaveLength(1);
      expect(run).toMatchObject({ signal, timedOut: false, stderr: '' });
      expect(run.lines[0]).toEqual({ ready: true, bytes: 8 * 65_536 * 4 });
      expect(shmDirsOf(run.pid)).toEqual([]);
    },
  );

  it('leave a program that listens to SIGTERM itself in charge: its handler runs, closes the loader and exits 0', async () => {
    const run = await runChild('signal-loader.mjs', ['own-handler'], (line, pid) => {
      if (line.ready) process.kill(pid, 'SIGTERM');
    });
    expect(run).toMatchObject({ status: 0, signal: null, timedOut: false });
    expect(run.lines.slice(1)).toEqual([{ handler: true }]);
    expect(shmDirsOf(run.pid)).toEqual([]);
  });

  it('left by a process killed with SIGKILL are swept by the next loader; live and foreign ones are kept', async () => {
    const run = await runChild('signal-loader.mjs', ['plain'], (line, pid) => {
      if (line.ready) process.kill(pid, 'SIGKILL');
    });
    expect(run.signal).toBe('SIGKILL');
    const left = shmDirsOf(run.pid);
    expect(left).toHaveLength(1); // no handler runs on SIGKILL
    const root = join(dir, 'shm');
    mkdirSync(root);
    const ns = left[0]!.split('-')[4];
    const names = {
      dead: `rocm-patch-loader-${run.pid}-${ns}-abcdef`,
      live: `rocm-patch-loader-${process.pid}-${ns}-abcdef`,
      otherNamespace: `rocm-patch-loader-${run.pid}-1-abcdef`,
      unrelated: 'something-else',
    };
    for (const name of Object.values(names)) mkdirSync(join(root, name));
    expect(sweepDeadShmDirs(root)).toEqual([join(root, names.dead)]);
    expect(readdirSync(root).sort()).toEqual([names.live, names.otherNamespace, names.unrelated].sort());
    // And a real loader starting sweeps /dev/shm itself.
    const loader = new DataLoader({
      dataset: ref('BigSlowItems', { length: 8 }),
      batchSize: 8,
      numWorkers: 1,
      runtime: 'process',
    });
    await loader.ready();
    expect(shmDirsOf(run.pid)).toEqual([]);
    await loader.close();
  });
});

describe('the restart budget (maxRestartsPerEpoch)', () => {
  it('is per epoch: a persistent loader whose worker dies twice every epoch keeps going', async () => {
    const counters = join(dir, 'twice');
    mkdirSync(counters);
    const loader = new DataLoader({
      dataset: ref('KillsItsWorker', { length: 6, killAt: 3, deathsPerEpoch: 2, dir: counters }),
      batchSize: 2,
      numWorkers: 1,
      persistentWorkers: true,
      runtime: 'process',
    });
    try {
      for (let epoch = 0; epoch < 3; epoch++) {
        const batches = await collect(loader);
        expect(batches.flatMap((b) => [...b.indices])).toEqual([0, 1, 2, 3, 4, 5]);
      }
    } finally {
      await loader.close();
    }
  });

  it('one death more than the budget fails the epoch with every death in the message', async () => {
    const counters = join(dir, 'many');
    mkdirSync(counters);
    const error = (await firstError({
      dataset: ref('KillsItsWorker', { length: 6, killAt: 3, deathsPerEpoch: 3, dir: counters }),
      batchSize: 2,
      numWorkers: 1,
      runtime: 'process',
      maxRestartsPerEpoch: 2,
    })) as Error;
    const death = 'batch 1 [dataset indices 2, 3] (killed by SIGKILL)';
    expect(error.message).toBe(
      `loader worker 0 died 3 times in epoch 0, more than maxRestartsPerEpoch (2) allows; it died loading ${death}; ${death}; ${death}`,
    );
  });

  it('is checked, and a value of the wrong type is shown as it is', () => {
    expect(
      () => new DataLoader({ dataset: new SyntheticShapesDataset({ length: 1 }), numWorkers: '4' as never }),
    ).toThrow('options.numWorkers must be an integer in [0, 1024], got "4"');
    expect(
      () => new DataLoader({ dataset: new SyntheticShapesDataset({ length: 1 }), maxRestartsPerEpoch: -1 }),
    ).toThrow(/options\.maxRestartsPerEpoch must be an integer in \[0, 1024\], got -1/);
  });
});
