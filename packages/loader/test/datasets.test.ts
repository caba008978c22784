import { describe, expect, it } from 'vitest';
import { Rng, SyntheticShapesDataset, TensorDataset } from '../src/index.js';

describe('TensorDataset', () => {
  it('indexes every field by its leading dimension', () => {
    const ds = new TensorDataset({
      x: { data: Float32Array.from({ length: 12 }, (_, i) => i), shape: [3, 2, 2] },
      y: new Int32Array([5, 6, 7]),
    });
    expect(ds.length).toBe(3);
    expect(ds.getItem(1)).toEqual({
      x: { data: new Float32Array([4, 5, 6, 7]), shape: [2, 2] },
      y: { data: new Int32Array([6]), shape: [] },
    });
    expect(() => ds.getItem(3)).toThrow(/index must be an integer in \[0, 3\)/);
    expect(() => new TensorDataset({ x: new Float32Array(2), y: new Int32Array(3) })).toThrow(
      /fields.y holds 3 samples but an earlier field holds 2/,
    );
    expect(() => new TensorDataset({ x: { data: new Float32Array(5), shape: [2, 2] } })).toThrow(RangeError);
  });
});

describe('SyntheticShapesDataset', () => {
  it('is deterministic per index and gives every class', () => {
    const a = new SyntheticShapesDataset({ length: 60, size: 16 });
    const b = new SyntheticShapesDataset({ length: 60, size: 16 });
    expect(b.getItem(17)).toEqual(a.getItem(17));
    expect(a.getItem(17)).not.toEqual(a.getItem(18));
    const item = a.getItem(0);
    expect(item.image.shape).toEqual([3, 16, 16]);
    expect(item.image.data).toBeInstanceOf(Float32Array);
    const labels = new Set(Array.from({ length: 60 }, (_, i) => a.getItem(i).label));
    expect([...labels].sort()).toEqual([0, 1, 2]);
    expect(new SyntheticShapesDataset({ length: 60, size: 16, seed: 1 }).getItem(17)).not.toEqual(
      a.getItem(17),
    );
  });

  it('draws shapes whose area matches the class (circle between triangle and square)', () => {
    // Foreground pixels are bright (≥ 0.6 before noise), background dark (≤ 0.4).
    const ds = new SyntheticShapesDataset({ length: 300, size: 32, noise: 0, channels: 1 });
    const ratio: number[][] = [[], [], []];
    for (let i = 0; i < ds.length; i++) {
      const { image, label } = ds.getItem(i);
      const fg = image.data.filter((v) => v >= 0.5).length;
      // Normalise by the shape's bounding square, measured from the bright pixels' extent.
      let minX = 32;
      let maxX = -1;
      image.data.forEach((v, p) => {
        if (v >= 0.5) {
          minX = Math.min(minX, p % 32);
          maxX = Math.max(maxX, p % 32);
        }
      });
      const side = maxX - minX + 1;
      ratio[label]!.push(fg / (side * side));
    }
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    expect(mean(ratio[1]!)).toBeGreaterThan(0.9); // square
    expect(mean(ratio[0]!)).toBeGreaterThan(0.7); // circle ≈ π/4
    expect(mean(ratio[0]!)).toBeLessThan(0.85);
    expect(mean(ratio[2]!)).toBeLessThan(0.6); // triangle ≈ 1/2
  });

  it('augments from the sample stream it is given', () => {
    const ds = new SyntheticShapesDataset({ length: 4, size: 8, augment: true });
    const ctx = (seed: number) => ({ rng: new Rng(seed), epoch: 0, seed: 0, workerId: null });
    expect(ds.getItem(2, ctx(1))).toEqual(ds.getItem(2, ctx(1)));
    expect(ds.getItem(2, ctx(1))).not.toEqual(ds.getItem(2, ctx(2)));
  });

  it('validates its options', () => {
    expect(() => new SyntheticShapesDataset({ length: -1 })).toThrow(/options.length/);
    expect(() => new SyntheticShapesDataset({ length: 1, size: 2 })).toThrow(/options.size/);
    expect(() => new SyntheticShapesDataset({ length: 1, channels: 2 as 3 })).toThrow(/options.channels/);
    expect(() => new SyntheticShapesDataset({ length: 1, seed: -5 })).toThrow(/options.seed/);
  });
});
