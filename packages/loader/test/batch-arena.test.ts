import { describe, expect, it } from 'vitest';
import { BatchArena } from '../src/batch-arena.js';
import { collateWith, defaultCollate } from '../src/collate.js';

describe('BatchArena', () => {
  it('hands out aligned arrays on one buffer and reuses it after reset', () => {
    const arena = new BatchArena();
    const a = arena.allocate(Uint8Array as never, 3) as Uint8Array;
    const b = arena.allocate(Float64Array as never, 2) as Float64Array;
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset % 8).toBe(0);
    b.set([1.5, 2.5]);
    arena.reset();
    const c = arena.allocate(Float64Array as never, 2) as Float64Array;
    expect(c.buffer).toBe(b.buffer); // the same memory, no new allocation
    expect(c.byteOffset).toBe(0);
  });

  it('grows for a larger batch and keeps the arrays it already handed out', () => {
    const arena = new BatchArena();
    const first = arena.allocate(Int32Array as never, 4) as Int32Array;
    first.set([1, 2, 3, 4]);
    const big = arena.allocate(Float32Array as never, 100_000) as Float32Array;
    expect(big.buffer).not.toBe(first.buffer);
    expect([...first]).toEqual([1, 2, 3, 4]);
    expect(arena.capacity).toBeGreaterThanOrEqual(400_000);
    arena.reset();
    const capacity = arena.capacity;
    arena.allocate(Float32Array as never, 100_000);
    expect(arena.capacity).toBe(capacity); // fits now: no growth
  });

  it('collates the same values as defaultCollate', () => {
    const items = [0, 1, 2].map((i) => ({
      image: { data: Float32Array.from({ length: 6 }, (_, k) => i * 10 + k), shape: [2, 3] },
      label: i,
      meta: { w: new Float64Array([i / 2]) },
    }));
    const arena = new BatchArena();
    for (let round = 0; round < 3; round++) {
      arena.reset();
      expect(collateWith(arena.allocate, items, [5, 6, 7])).toEqual(defaultCollate(items, [5, 6, 7]));
    }
  });
});
