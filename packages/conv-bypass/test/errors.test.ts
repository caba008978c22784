// Bad input gets a TypeError/RangeError naming the argument, before any native code runs; NaN and
// Inf propagate like in any convolution.
import { describe, expect, it } from 'vitest';
import { describeValue } from '../src/describe-value.js';
import {
  conv2d,
  conv2dBackwardData,
  conv2dBackwardFilter,
  resolveParams,
  setCpuIsa,
  setCpuThreads,
  type Tensor4,
} from '../src/index.js';
import { addon } from '../src/native.js';
import { tensor } from './cases.js';

const x = tensor([1, 4, 6, 6], 1);
const w = tensor([6, 2, 3, 3], 2);

describe('conv2d rejects bad input', () => {
  it('a data length that does not match the shape', () => {
    const bad = { data: new Float32Array(10), shape: [1, 4, 6, 6] } as Tensor4;
    expect(() => conv2d(bad, w, { groups: 2 })).toThrow(RangeError);
    expect(() => conv2d(bad, w, { groups: 2 })).toThrow(/x\.data has 10 elements/);
  });

  it('channels not divisible by groups', () => {
    expect(() => conv2d(x, tensor([6, 1, 3, 3], 3), { groups: 3 })).toThrow(
      /groups \(3\) must divide the input channels C \(4\)/,
    );
    expect(() => conv2d(x, tensor([5, 2, 3, 3], 3), { groups: 2 })).toThrow(
      /groups \(2\) must divide the output channels K \(5\)/,
    );
  });

  it('filter channels that do not match C / groups', () => {
    expect(() => conv2d(x, w)).toThrow(/filter has 2 input channels, expected C \/ groups = 4/);
  });

  it('non-positive or fractional stride and dilation', () => {
    expect(() => conv2d(x, w, { groups: 2, stride: 0 })).toThrow(/stride must be positive integers/);
    expect(() => conv2d(x, w, { groups: 2, stride: [1, -2] })).toThrow(RangeError);
    expect(() => conv2d(x, w, { groups: 2, dilation: 1.5 })).toThrow(/dilation must be positive integers/);
    expect(() => conv2d(x, w, { groups: 2, padding: -1 })).toThrow(/padding must be non-negative/);
    expect(() => conv2d(x, w, { groups: 2, padding: [1, 2, 3] as never })).toThrow(TypeError);
    expect(() => conv2d(x, w, { groups: 0 })).toThrow(/groups must be a positive integer/);
  });

  it('an empty output', () => {
    expect(() => conv2d(x, tensor([6, 2, 7, 3], 4), { groups: 2 })).toThrow(/output would be empty/);
    expect(() => conv2d(x, w, { groups: 2, dilation: 4 })).toThrow(RangeError);
  });

  it('anything but a Float32Array', () => {
    const f64 = { data: new Float64Array(144), shape: [1, 4, 6, 6] } as unknown as Tensor4;
    expect(() => conv2d(f64, w, { groups: 2 })).toThrow(TypeError);
    expect(() => conv2d(f64, w, { groups: 2 })).toThrow(/x\.data must be a Float32Array/);
    const arr = { data: Array.from({ length: 108 }, () => 0), shape: [6, 2, 3, 3] } as unknown as Tensor4;
    expect(() => conv2d(x, arr, { groups: 2 })).toThrow(/w\.data must be a Float32Array/);
    expect(() => conv2d(null as unknown as Tensor4, w)).toThrow(TypeError);
    expect(() => conv2d(x, w, { groups: 2, bias: [1, 2, 3, 4, 5, 6] as unknown as Float32Array })).toThrow(
      /bias must be a Float32Array/,
    );
  });

  it('sizes that overflow 32-bit indexing', () => {
    const huge = { data: new Float32Array(1), shape: [65536, 65536, 1, 1] } as Tensor4;
    expect(() => conv2d(huge, w)).toThrow(/more than 2\^31-1/);
    expect(() => resolveParams([1, 1, 32768, 32768], [4, 1, 1, 1], {}, 'conv2d')).toThrow(
      /output has .* more than 2\^31-1/,
    );
  });

  it('a padded input or dilated filter past 32-bit coordinates names the function and the option', () => {
    const x1 = { data: new Float32Array(6), shape: [1, 1, 2, 3] } as Tensor4;
    const w1 = { data: new Float32Array(9), shape: [1, 1, 3, 3] } as Tensor4;
    expect(() => conv2d(x1, w1, { dilation: [2 ** 30, 1], padding: [0, 2 ** 31 - 1, 0, 0] })).toThrow(
      new RangeError(
        'conv2d: dilation [1073741824, 1] makes the 3×3 filter span 2147483649×3 pixels, more than 2^31-1 rows or columns (32-bit indexing)',
      ),
    );
    // 'same' with a huge dilation: the padding it needs (this was "params.padTop must be a 32-bit integer").
    expect(() => conv2d(x1, w1, { dilation: [2 ** 30 - 1, 1], padding: 'same' })).toThrow(
      new RangeError(
        "conv2d: padding 'same' (with dilation [1073741823, 1]) makes the padded input 2147483648×5, more than 2^31-1 rows or columns (32-bit indexing)",
      ),
    );
    expect(() =>
      conv2dBackwardData(x1, w1, { inputShape: [1, 1, 2, 3], padding: [0, 0, 2 ** 31 - 2, 0] }),
    ).toThrow(/conv2dBackwardData: padding makes the padded input 2×2147483649, more than 2\^31-1/);
    // Just inside the bound it runs (the 3×3 depthwise path with a dilation of 2^29).
    const y = conv2d({ data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [1, 1, 2, 3] }, w1, {
      dilation: [2 ** 29, 1],
      padding: [0, 2 ** 30, 1, 1],
    });
    expect(y.shape).toEqual([1, 1, 2, 3]);
  });

  it('a wrong type is shown as such: a string dimension is quoted', () => {
    const quoted = { data: x.data, shape: [1, '4', 6, 6] } as unknown as Tensor4;
    expect(() => conv2d(quoted, w)).toThrow(
      new TypeError('conv2d: x.shape[1] must be a positive integer, got "4"'),
    );
    expect(() => conv2d(x, w, { groups: '2' as never })).toThrow(
      new TypeError('conv2d: groups must be a positive integer, got "2"'),
    );
    expect(() => conv2d(x, w, { groups: 2, stride: [1, 2n] as never })).toThrow(
      /stride must be positive integers, got 2n \(a bigint\)/,
    );
    expect(() => setCpuThreads('2' as never)).toThrow(
      new TypeError('setCpuThreads: threads must be an integer in [1, 1024], got "2"'),
    );
  });

  it('bad shapes, bias, out and device', () => {
    expect(() => conv2d({ data: x.data, shape: [1, 4, 36] } as unknown as Tensor4, w)).toThrow(
      /x\.shape must be an array of 4/,
    );
    expect(() => conv2d({ data: x.data, shape: [1, 4, 0, 6] } as Tensor4, w)).toThrow(
      /x\.shape\[2\] must be a positive integer/,
    );
    expect(() => conv2d(x, w, { groups: 2, bias: new Float32Array(5) })).toThrow(
      /bias has 5 elements, expected K = 6/,
    );
    const wrongOut = tensor([1, 6, 4, 5], 5);
    expect(() => conv2d(x, w, { groups: 2, out: wrongOut })).toThrow(
      /out\.shape is \[1, 6, 4, 5\], expected \[1, 6, 4, 4\]/,
    );
    const aliased = { data: new Float32Array(x.data.buffer, 0, 96), shape: [1, 6, 4, 4] } as Tensor4;
    expect(() => conv2d(x, w, { groups: 2, out: aliased })).toThrow(/out\.data overlaps x/);
    expect(() => conv2d(x, w, { groups: 2, device: 'tpu' as never })).toThrow(
      /device must be 'auto', 'cpu' or 'gpu'/,
    );
  });

  it("device 'gpu' in a build without a GPU backend says how to get one", () => {
    if (addon().gpuBackend !== 'none') return; // this build has a GPU backend: the GPU tests cover it
    expect(() => conv2d(x, w, { groups: 2, device: 'gpu' })).toThrow(
      /no GPU backend in this build.*ROCM_PATCH_GPU=hip/,
    );
  });

  it('backward shapes that do not match the forward geometry', () => {
    const dy = tensor([1, 6, 4, 4], 6);
    expect(() => conv2dBackwardData(dy, w, { groups: 2, inputShape: [1, 4, 7, 6] })).toThrow(
      /dy\.shape is \[1, 6, 4, 4\], expected \[1, 6, 5, 4\]/,
    );
    expect(() => conv2dBackwardData(dy, w, { groups: 2 } as never)).toThrow(
      /inputShape must be an array of 4/,
    );
    expect(() => conv2dBackwardFilter(x, dy, { groups: 2, filterShape: [6, 4, 3, 3] })).toThrow(
      /filter has 4 input channels/,
    );
    expect(() => conv2dBackwardFilter(x, dy, undefined as never)).toThrow(/options must be an object/);
  });

  it('thread and kernel controls', () => {
    expect(() => setCpuThreads(0)).toThrow(RangeError);
    expect(() => setCpuThreads(2.5)).toThrow(RangeError);
    expect(() => setCpuIsa('sse9' as never)).toThrow(/isa must be one of/);
  });
});

describe('the native layer re-checks what guards memory', () => {
  const p = resolveParams([1, 4, 6, 6], [6, 2, 3, 3], { groups: 2 }, 'test');
  const y = new Float32Array(96);
  it('wrong buffer lengths and types', () => {
    const a = addon();
    expect(() => a.conv2dForward(p, new Float32Array(143), w.data, null, y)).toThrow(
      /x must have 144 elements/,
    );
    expect(() => a.conv2dForward(p, x.data, w.data, null, new Float32Array(95))).toThrow(RangeError);
    expect(() => a.conv2dForward(p, new Float64Array(144) as never, w.data, null, y)).toThrow(TypeError);
    expect(() => a.conv2dBackwardFilter(p, x.data, y, new Float32Array(1))).toThrow(
      /dw must have 108 elements/,
    );
  });
  it('inconsistent geometry', () => {
    const a = addon();
    expect(() =>
      a.conv2dForward({ ...p, p: 9 }, x.data, w.data, null, new Float32Array(6 * 9 * 4)),
    ).not.toThrow();
    expect(() => a.conv2dForward({ ...p, p: 1 }, x.data, w.data, null, new Float32Array(24))).toThrow(
      /P is smaller than the input and padding give/,
    );
    expect(() => a.conv2dForward({ ...p, groups: 3 }, x.data, w.data, null, y)).toThrow(/groups must divide/);
    expect(() => a.conv2dForward({ ...p, strideH: 0 }, x.data, w.data, null, y)).toThrow(
      /stride must be positive/,
    );
    expect(() => a.conv2dForward({ ...p, n: 1.5 }, x.data, w.data, null, y)).toThrow(
      /params\.n must be a 32-bit integer/,
    );
    expect(() => a.conv2dForward({ ...p, c: 2 ** 40 }, x.data, w.data, null, y)).toThrow(RangeError);
  });
});

describe('non-finite values', () => {
  it('propagate NaN and Inf to exactly the outputs that read them', () => {
    const xs = tensor([1, 1, 5, 5], 7);
    xs.data[12] = Number.NaN; // centre pixel
    xs.data[0] = Number.POSITIVE_INFINITY;
    const ones = { data: new Float32Array(9).fill(1), shape: [1, 1, 3, 3] } as Tensor4;
    const y = conv2d(xs, ones); // valid: 3×3 output, every window sees the centre
    expect(Array.from(y.data).every(Number.isNaN)).toBe(true);
    const yPad = conv2d(xs, { data: new Float32Array([1]), shape: [1, 1, 1, 1] });
    expect(yPad.data[0]).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(yPad.data[12])).toBe(true);
    expect(Number.isFinite(yPad.data[1])).toBe(true);
  });
});

describe('describeValue', () => {
  it.each([
    [1, '1'],
    ['1', '"1"'],
    [Number.NaN, 'NaN'],
    [2n, '2n (a bigint)'],
    [true, 'true (a boolean)'],
    [undefined, 'undefined'],
    [null, 'null'],
    [[1, 2], 'an array of 2'],
    [{}, 'an object'],
    [new Float64Array(2), 'a Float64Array'],
    [() => 1, 'a function'],
  ])('%o → %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});
