import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchSampler, DistributedSampler, RandomSampler, Rng, SequentialSampler } from '../src/index.js';

describe('samplers', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('Sequential yields 0..n-1', () => {
    expect([...new SequentialSampler(4)]).toEqual([0, 1, 2, 3]);
    expect(new SequentialSampler({ length: 3 }).length).toBe(3);
    expect(() => new SequentialSampler(-1)).toThrow(RangeError);
  });

  it('Random gives a permutation per (seed, epoch): the same for the same pair, new each epoch', () => {
    const a = new RandomSampler(50, { seed: 3 });
    const b = new RandomSampler(50, { seed: 3 });
    const e0 = [...a];
    expect([...b]).toEqual(e0);
    expect([...e0].sort((x, y) => x - y)).toEqual([...new SequentialSampler(50)]);
    a.setEpoch(1);
    const e1 = [...a];
    expect(e1).not.toEqual(e0);
    expect([...e1].sort((x, y) => x - y)).toEqual([...new SequentialSampler(50)]);
    expect([...new RandomSampler(50, { seed: 4 })]).not.toEqual(e0);
    expect(() => a.setEpoch(-1)).toThrow(RangeError);
    expect(() => new RandomSampler(5, { seed: 1.5 })).toThrow(/options.seed/);
  });

  it('Distributed partitions cover the dataset exactly, every rank the same count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 5 }),
        (n, worldSize, dropLast, shuffle, epoch) => {
          const shares = Array.from({ length: worldSize }, (_, rank) => {
            const s = new DistributedSampler(n, { rank, worldSize, dropLast, shuffle, seed: 11 });
            s.setEpoch(epoch);
            const share = [...s];
            expect(share.length).toBe(s.length);
            return share;
          });
          const all = shares.flat();
          const counts = new Map<number, number>();
          for (const i of all) counts.set(i, (counts.get(i) ?? 0) + 1);
          for (const i of all) expect(i >= 0 && i < n).toBe(true);
          if (dropLast) {
            // Disjoint, and only the tail that does not divide evenly is left out.
            expect(all.length).toBe(Math.floor(n / worldSize) * worldSize);
            for (const c of counts.values()) expect(c).toBe(1);
          } else if (n > 0) {
            // Every index at least once; padding repeats at most one round's worth.
            expect(counts.size).toBe(n);
            expect(all.length).toBe(Math.ceil(n / worldSize) * worldSize);
            expect(all.length - n).toBeLessThan(worldSize);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('Distributed reshuffles by seed + epoch and reads RANK / WORLD_SIZE', () => {
    vi.stubEnv('RANK', '1');
    vi.stubEnv('WORLD_SIZE', '3');
    const s = new DistributedSampler(30, { seed: 5 });
    expect([s.rank, s.worldSize, s.length]).toEqual([1, 3, 10]);
    const e0 = [...s];
    s.setEpoch(1);
    expect([...s]).not.toEqual(e0);
    expect([...new DistributedSampler(30, { seed: 5, shuffle: false })]).toEqual([
      1, 4, 7, 10, 13, 16, 19, 22, 25, 28,
    ]);
    vi.stubEnv('RANK', '3');
    expect(() => new DistributedSampler(30)).toThrow(/options.rank must be an integer in \[0, worldSize=3\)/);
    vi.stubEnv('RANK', '');
    expect(() => new DistributedSampler(30)).toThrow(/options.rank is required when the RANK/);
  });

  it('BatchSampler groups indices, keeping or dropping the last short batch', () => {
    expect([...new BatchSampler(new SequentialSampler(5), 2)]).toEqual([[0, 1], [2, 3], [4]]);
    expect([...new BatchSampler(new SequentialSampler(5), 2, true)]).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(new BatchSampler(new SequentialSampler(5), 2).length).toBe(3);
    expect(new BatchSampler(new SequentialSampler(5), 2, true).length).toBe(2);
    expect(new BatchSampler([3, 1, 2], 2).length).toBe(2); // a custom sampler: any iterable of indices
    expect(() => new BatchSampler(new SequentialSampler(5), 0)).toThrow(
      /batchSize must be a positive integer/,
    );
  });

  it('Rng is deterministic per seed', () => {
    const a = new Rng(9);
    const b = new Rng(9);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    expect(() => new Rng(-1)).toThrow(RangeError);
  });
});
