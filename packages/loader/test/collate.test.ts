import { describe, expect, it } from 'vitest';
import { defaultCollate } from '../src/index.js';

describe('defaultCollate', () => {
  it('stacks numbers, typed arrays and tensors with a leading batch dimension and carries the indices', () => {
    const items = [
      {
        label: 1,
        weight: 0.5,
        vec: new Float32Array([1, 2]),
        img: { data: new Uint8Array([1, 2, 3, 4]), shape: [2, 2] },
      },
      {
        label: 7,
        weight: 2,
        vec: new Float32Array([3, 4]),
        img: { data: new Uint8Array([5, 6, 7, 8]), shape: [2, 2] },
      },
    ];
    const batch = defaultCollate(items, [10, 3]);
    expect(batch.label).toEqual({ data: new Int32Array([1, 7]), shape: [2] });
    expect(batch.weight).toEqual({ data: new Float64Array([0.5, 2]), shape: [2] });
    expect(batch.vec).toEqual({ data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] });
    expect(batch.img).toEqual({ data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), shape: [2, 2, 2] });
    expect(batch.indices).toEqual(new Int32Array([10, 3]));
  });

  it('uses Float64Array for integers beyond int32 and BigInt64Array for bigints', () => {
    const batch = defaultCollate(
      [
        { n: 2 ** 31, b: 5n },
        { n: 1, b: -3n },
      ],
      [0, 1],
    );
    expect(batch.n).toEqual({ data: new Float64Array([2 ** 31, 1]), shape: [2] });
    expect(batch.b).toEqual({ data: new BigInt64Array([5n, -3n]), shape: [2] });
  });

  it('names array items fields 0, 1, … and recurses into nested objects', () => {
    const batch = defaultCollate(
      [
        [new Float32Array([1]), 0],
        [new Float32Array([2]), 1],
      ],
      [0, 1],
    );
    expect(batch[0]).toEqual({ data: new Float32Array([1, 2]), shape: [2, 1] });
    expect(batch[1]).toEqual({ data: new Int32Array([0, 1]), shape: [2] });
    const nested = defaultCollate([{ meta: { a: 1 } }, { meta: { a: 2 } }], [0, 1]);
    expect(nested.meta).toEqual({ a: { data: new Int32Array([1, 2]), shape: [2] } });
  });

  it('rejects mismatched items naming the field and the dataset index', () => {
    expect(() => defaultCollate([{ v: new Float32Array(2) }, { v: new Float32Array(3) }], [4, 9])).toThrow(
      /field 'v' of dataset index 9 has shape \[3\] but the batch's first item has \[2\]/,
    );
    expect(() => defaultCollate([{ v: 1 }, { v: 'a' }], [4, 9])).toThrow(
      /field 'v' of dataset index 9 is string a/,
    );
    expect(() => defaultCollate([{ v: 1 }, { w: 1 }], [0, 5])).toThrow(/dataset index 5 has fields \[w\]/);
    expect(() => defaultCollate([{ s: 'text' }], [2])).toThrow(/pass a custom collate/);
    expect(() => defaultCollate([3], [2])).toThrow(TypeError);
    expect(() => defaultCollate([{ indices: 1 }], [2])).toThrow(/clashes/);
    expect(() => defaultCollate([{ t: { data: new Float32Array(3), shape: [2] } }], [1])).toThrow(
      /data.length 3 does not match shape \[2\]/,
    );
    expect(() => defaultCollate([], [])).toThrow(RangeError);
    expect(() => defaultCollate([{ a: 1 }], [1, 2])).toThrow(/1 items but 2 indices/);
  });

  it('keeps mixed typed array types apart', () => {
    expect(() => defaultCollate([{ v: new Float32Array(2) }, { v: new Float64Array(2) }], [0, 1])).toThrow(
      /should be a Float32Array like the first item/,
    );
  });
});
