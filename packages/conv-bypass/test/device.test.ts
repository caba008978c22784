// The device context of the addon (native/src/device) through its JavaScript surface, on the host device:
// the buffer table, the argument checks that guard memory, the caching allocator and its limit, timing.
// (The GPU runtime behind the same surface is exercised by @rocm-patch/tfjs-backend's tests on a GPU.)
import { beforeAll, describe, expect, it } from 'vitest';
import { type DeviceAddon, deviceAddon } from '../src/device/index.js';

let d: DeviceAddon;
const args = new Float64Array(256);
let nameId = 0;

beforeAll(() => {
  d = deviceAddon();
  const info = d.init('host', args);
  expect(info.kind).toBe('host');
  nameId = d.registerName('DeviceTest');
});

function upload(values: number[]): number {
  const id = d.alloc(values.length * 4, nameId);
  d.upload(id, Float32Array.from(values));
  return id;
}

describe('device context (host device)', () => {
  it('reports whether a GPU is usable and why not, without initialising one', () => {
    const a = d.available();
    expect(typeof a.gpu).toBe('boolean');
    if (!a.gpu) expect(a.reason.length).toBeGreaterThan(10);
  });

  it('round-trips float32, int32 and bool data (bool widened to int32 on the device)', async () => {
    const f = upload([1.5, -2, 3]);
    expect(Array.from(d.readSync(f, 3, 0))).toEqual([1.5, -2, 3]);
    const b = d.alloc(12, nameId);
    d.upload(b, Uint8Array.from([1, 0, 7]));
    expect(Array.from(d.readSync(b, 3, 1))).toEqual([1, 0, 1]);
    expect(Array.from(await d.read(b, 3, 2))).toEqual([1, 0, 1]);
    d.free(f);
    d.free(b);
  });

  it('refuses freed and made-up buffer ids instead of touching memory', () => {
    const id = upload([1, 2, 3, 4]);
    d.free(id);
    expect(() => d.readSync(id, 4, 0)).toThrow(/not a live device buffer/);
    expect(() => d.unary(nameId, 0, 0, 0, id, id, 4, 0, 0)).toThrow(
      /DeviceTest \(unary\): x is not a live device buffer/,
    );
    expect(() => d.readSync(123456789, 1, 0)).toThrow(/not a live device buffer/);
    expect(() => d.readSync(-1, 1, 0)).toThrow(/not a live device buffer/);
    // A new buffer in the freed slot gets a new id: the stale one stays refused.
    const again = upload([5]);
    expect(again).not.toBe(id);
    expect(() => d.readSync(id, 1, 0)).toThrow(/not a live device buffer/);
    d.free(again);
  });

  it('checks every size and strided view against the buffers before a kernel runs', () => {
    const x = upload([1, 2, 3, 4]);
    const y = d.alloc(16, nameId);
    expect(() => d.unary(nameId, 0, 0, 0, x, y, 5, 0, 0)).toThrow(/x needs 5 elements, its buffer holds 4/);
    expect(() => d.readSync(x, 5, 0)).toThrow(/count exceeds the buffer/);
    expect(() => d.upload(x, new Float32Array(5))).toThrow(/do not fit/);
    // A copy whose strided view reaches past x: shape [2, 3] with strides [3, 1] needs 6 elements.
    args.set([2, 3, 3, 1, 3, 1]);
    expect(() => d.copy(nameId, x, y, 2, 0, 0)).toThrow(/strided view reaches elements \[0, 5\]/);
    // Negative strides that reach below the base.
    args.set([4, -1, 1]);
    expect(() => d.copy(nameId, x, y, 1, 2, 0)).toThrow(/strided view/);
    // Shapes are integers ≥ 0 and ranks ≤ 8.
    args.set([2.5, 1, 1]);
    expect(() => d.copy(nameId, x, y, 1, 0, 0)).toThrow(/must be an integer/);
    expect(() => d.copy(nameId, x, y, 9, 0, 0)).toThrow(/rank must be an integer in \[0, 8\]/);
    expect(() => d.unary(nameId, 999, 0, 0, x, y, 4, 0, 0)).toThrow(/op must be an integer/);
    d.free(x);
    d.free(y);
  });

  it('reuses freed blocks of the same size class instead of asking the runtime again', () => {
    const before = d.memory();
    for (let i = 0; i < 100; i++) d.free(d.alloc(1000 + (i % 7), nameId));
    const after = d.memory();
    expect(after.allocations - before.allocations).toBe(100);
    expect(after.runtimeMallocs - before.runtimeMallocs).toBeLessThanOrEqual(1);
    expect(after.cacheHits - before.cacheHits).toBeGreaterThanOrEqual(99);
    d.releaseMemory();
    expect(d.memory().cached).toBe(0);
  });

  it('fails an allocation past the memory limit with an out-of-memory error naming the kernel, and recovers', () => {
    const inUse = d.memory().reserved;
    d.setMemoryLimit(inUse + (1 << 20));
    try {
      const err = (() => {
        try {
          d.alloc(4 << 20, nameId);
        } catch (e) {
          return e as Error & { code?: string };
        }
        return undefined;
      })();
      expect(err?.code).toBe('ERR_GPU_OUT_OF_MEMORY');
      expect(err?.message).toMatch(
        /^DeviceTest: cannot allocate 4194304 bytes of device memory .*over the memory limit/,
      );
      const ok = d.alloc(1024, nameId);
      d.free(ok);
    } finally {
      d.setMemoryLimit(0);
    }
    const big = d.alloc(4 << 20, nameId);
    d.free(big);
  });

  it('times work between two points with device events', async () => {
    const t = d.timerStart();
    const x = d.alloc(4 << 20, nameId);
    d.fill(nameId, x, 1 << 20, 1, 0, 0);
    const ms = await d.timerEnd(t);
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(() => d.timerEnd(t)).toThrow(/unknown timer/);
    d.free(x);
  });

  it('frees every buffer at once (the backend dispose)', () => {
    upload([1]);
    upload([2]);
    expect(d.memory().buffers).toBeGreaterThanOrEqual(2);
    d.freeAll();
    expect(d.memory().buffers).toBe(0);
  });

  it('refuses a second initialisation for the other kind of device', () => {
    expect(() => d.init('gpu', args)).toThrow(
      /the device is already initialised as host; one device per process/,
    );
    expect(d.init('host', args).kind).toBe('host');
  });
});
