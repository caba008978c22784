// Cases that crashed the process (issue 15), each run in a child process: the test asserts its exit
// status and output, and a hang ends at the timeout. The fixtures load the built package (dist/).
import { describe, expect, it } from 'vitest';
import { runFixture } from './child.js';

describe('no crash', () => {
  it('setCpuThreads while async convolutions run (each result still exact)', () => {
    const r = runFixture('resize-pool.mjs', ['2000'], { timeoutMs: 120_000 });
    expect({ signal: r.signal, timedOut: r.timedOut, stderr: r.stderr }).toEqual({
      signal: null,
      timedOut: false,
      stderr: '',
    });
    expect(r.stdout.trim()).toBe('ok 2000');
    expect(r.status).toBe(0);
  }, 130_000);

  it("an async call's input or output memory transferred, collected or shrunk while it runs", () => {
    const r = runFixture('take-memory.mjs', ['4'], { nodeArgs: ['--expose-gc'], timeoutMs: 120_000 });
    expect({ signal: r.signal, timedOut: r.timedOut, stderr: r.stderr }).toEqual({
      signal: null,
      timedOut: false,
      stderr: '',
    });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.pop()).toBe('done');
    const expected = ['worker', 'clone', 'shrink'].flatMap((how) => [
      { case: `${how}: input x`, outcome: 'same' },
      ...['conv2dAsync', 'conv2dBackwardDataAsync', 'conv2dBackwardFilterAsync'].map((fn) => ({
        case: `${how}: ${fn} out`,
        outcome: 'rejected',
        code: 'ERR_ARRAY_DETACHED',
        message: expect.stringMatching(new RegExp(`^${fn}: out\\.data lost its memory while the call ran`)),
      })),
    ]);
    // Later rounds print only what differs from the first.
    expect(lines.map((line) => JSON.parse(line))).toEqual(expected);
  }, 130_000);

  it('a depthwise filter dilated by 2^30 is refused, by the API and by the addon itself', () => {
    const r = runFixture('huge-dilation.mjs');
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({
      status: 0,
      signal: null,
      stderr: '',
    });
    expect(r.stdout.trim().split('\n')).toEqual([
      'public conv2d: RangeError: conv2d: dilation [1073741824, 1] makes the 3×3 filter span 2147483649×3 pixels, more than 2^31-1 rows or columns (32-bit indexing)',
      'native conv2dForward: RangeError: params: the padded input or the dilated filter has more than 2^31-1 rows',
    ]);
  });
});
