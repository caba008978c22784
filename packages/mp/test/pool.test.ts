import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createPool,
  hiddenGpuEnv,
  type Pool,
  PoolClosedError,
  setupMultiprocessing,
  TaskError,
} from '../src/index.js';
import { inheritedExecArgv } from '../src/worker-handle.js';
import { fixture, isAlive, rejection, runtimes, tasksModule } from './helpers.js';

const pools: Pool[] = [];
function pool(options: Partial<Parameters<typeof createPool>[0]> & { runtime: 'thread' | 'process' }): Pool {
  const p = createPool({ module: tasksModule, size: 1, killGraceMs: 300, ...options });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.terminate()));
});

describe.each(runtimes)('%s pool', (runtime) => {
  it('runs exported tasks and returns their results', async () => {
    const p = pool({ runtime, size: 2 });
    expect(await p.run('add', { a: 2, b: 3 })).toBe(5);
    expect(await p.run('sleep', 5)).toBe(5);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => p.run('add', { a: i, b: 1 })));
    expect(results).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('broadcasts to every worker and pins tasks to one worker', async () => {
    const p = pool({ runtime, size: 3 });
    const infos = await p.broadcast<{ info: { id: number; runtime: string; poolName: string } }>('whoami');
    expect(infos.map((r) => r.info.id)).toEqual([0, 1, 2]);
    expect(infos.every((r) => r.info.runtime === runtime && r.info.poolName === p.name)).toBe(true);
    // Module state lives in the worker: the counter of worker 1 only moves when tasks are pinned to it.
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push(await p.run('count', undefined, { worker: 1 }));
    expect(counts).toEqual([1, 2, 3]);
    expect(await p.run('count', undefined, { worker: 2 })).toBe(1);
  });

  it('delivers task errors with the worker id, task name, original message and stack', async () => {
    const p = pool({ runtime });
    const error = await rejection(p.run('fail', 'bad input 42'));
    expect(error).toBeInstanceOf(TaskError);
    const e = error as TaskError;
    expect(e.message).toBe('bad input 42');
    expect(e.workerId).toBe(0);
    expect(e.taskName).toBe('fail');
    expect(e.remoteName).toBe('RangeError');
    expect(e.code).toBe('E_TEST');
    expect(e.stack).toContain('RangeError: bad input 42');
    expect(e.stack).toContain('fixtures/tasks.mjs');
    // The worker survives a task error.
    expect(await p.run('add', { a: 1, b: 1 })).toBe(2);
  });

  it('rejects a task name the module does not export', async () => {
    const p = pool({ runtime });
    const error = (await rejection(p.run('nope'))) as TaskError;
    expect(error).toBeInstanceOf(TaskError);
    expect(error.message).toMatch(/task "nope" is not a function exported by .*tasks\.mjs/);
  });

  it('explains that closures cannot be sent, as payload, nested payload, result or module', async () => {
    const p = pool({ runtime });
    await expect(p.run('echo', () => 1)).rejects.toThrow(/export the function from the pool's module/);
    await expect(p.run('echo', { deep: [{ fn: () => 1 }] })).rejects.toThrow(
      /payload\.deep\[0\]\.fn of task "echo" is a function/,
    );
    await expect(p.run('returnFunction')).rejects.toThrow(
      /result of task "returnFunction" cannot be sent back/,
    );
    expect(() => createPool({ module: (() => 1) as unknown as string, runtime })).toThrow(
      /export the function from a module/,
    );
    expect(await p.run('echo', 'still fine')).toBe('still fine');
  });

  it('passes typed arrays both ways', async () => {
    const p = pool({ runtime });
    const made = await p.run<Float32Array>('makeArray', 1000);
    expect(made).toBeInstanceOf(Float32Array);
    expect(made.length).toBe(1000);
    expect(made[999]).toBe(1.5);
    const input = new Float32Array([1, 2, 3, 4]);
    const summed = await p.run('sumArray', input, { transfer: [input.buffer] });
    expect(summed).toEqual({ sum: 10, length: 4, byteLength: 16 });
    // Threads move transferred buffers (the caller's copy is detached); processes always copy.
    expect(input.byteLength).toBe(runtime === 'thread' ? 0 : 16);
  });

  it('gives workers process.env as at creation plus env', async () => {
    process.env.MP_TEST_VAR = 'from-parent';
    const p = pool({ runtime, env: { MP_TEST_VAR: 'from-option' } });
    const q = pool({ runtime });
    delete process.env.MP_TEST_VAR;
    const a = await p.run<{ env: Record<string, string | null> }>('whoami');
    const b = await q.run<{ env: Record<string, string | null> }>('whoami');
    expect(a.env.MP_TEST_VAR).toBe('from-option');
    expect(b.env.MP_TEST_VAR).toBe('from-parent');
    expect(a.env.ROCM_PATCH_MP_WORKER).toBeNull();
  });

  it('closes through Symbol.asyncDispose, and accepts the module as a path', async () => {
    const p = createPool({
      module: fileURLToPath(tasksModule),
      runtime,
      size: 1,
    });
    expect(await p.run('add', { a: 1, b: 2 })).toBe(3);
    const pid = p.workers[0]?.pid;
    await p[Symbol.asyncDispose]();
    expect(p.workers[0]?.state).toBe('idle');
    if (pid !== undefined) expect(isAlive(pid)).toBe(false);
    await expect(p.run('add', { a: 1, b: 2 })).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('rejects tasks after close and finishes queued ones before closing', async () => {
    const p = pool({ runtime });
    const queued = [p.run('sleep', 20), p.run('sleep', 10)];
    const closed = p.close();
    await expect(p.run('add', { a: 1, b: 1 })).rejects.toBeInstanceOf(PoolClosedError);
    expect(await Promise.all(queued)).toEqual([20, 10]);
    await closed;
    expect(p.workers.every((w) => w.state === 'idle')).toBe(true);
  });

  it('terminate rejects queued and running tasks', async () => {
    const p = pool({ runtime });
    const running = p.run('sleep', 5000);
    const queued = p.run('add', { a: 1, b: 1 });
    const outcomes = Promise.allSettled([running, queued]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await p.terminate();
    for (const outcome of await outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(PoolClosedError);
    }
  });

  it('aborts queued and running tasks with the signal reason', async () => {
    const p = pool({ runtime });
    const controller = new AbortController();
    const running = p.run('spin', undefined, { signal: controller.signal });
    const queued = p.run('add', { a: 1, b: 1 }, { signal: controller.signal });
    const other = p.run('add', { a: 2, b: 2 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error('stop it'));
    await expect(running).rejects.toThrow('stop it');
    await expect(queued).rejects.toThrow('stop it');
    // The spinning worker was replaced; the remaining task runs on its replacement.
    expect(await other).toBe(4);
    await expect(p.run('echo', 1, { signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow(
      'early',
    );
  });

  it('withdraws queued tasks and lets a running one finish', async () => {
    const p = pool({ runtime, size: 1 });
    const controller = new AbortController();
    const running = p.run('sleep', 150, { withdraw: controller.signal });
    const queued = p.run('add', { a: 1, b: 1 }, { withdraw: controller.signal });
    const other = p.run('add', { a: 2, b: 2 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(p.workers[0]!.state).toBe('busy');
    const pid = p.workers[0]!.pid ?? p.workers[0]!.threadId;
    controller.abort(new Error('not needed'));
    await expect(queued).rejects.toThrow('not needed');
    // The running task was not stopped: it settles with its result, on the same worker.
    expect(await running).toBe(150);
    expect(await other).toBe(4);
    expect(p.workers[0]!.pid ?? p.workers[0]!.threadId).toBe(pid);
    expect(p.workers[0]!.restarts).toBe(0);
    await expect(p.run('echo', 1, { withdraw: AbortSignal.abort(new Error('early')) })).rejects.toThrow(
      'early',
    );
    await expect(p.run('echo', 1, { withdraw: 'no' as unknown as AbortSignal })).rejects.toThrow(
      'options.withdraw must be an AbortSignal',
    );
  });

  it('with persistent: false, starts workers on demand and stops them when idle', async () => {
    const p = pool({ runtime, persistent: false, size: 2 });
    expect(p.workers.every((w) => w.state === 'idle')).toBe(true);
    expect(await p.run('add', { a: 1, b: 2 })).toBe(3);
    await expect.poll(() => p.workers.every((w) => w.state === 'idle'), { timeout: 5000 }).toBe(true);
    expect(await p.run('count')).toBe(1); // a fresh worker: module state started over
  });
});

describe('parent Node options', () => {
  it('starts thread and process workers when the parent runs with per-process flags', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--max-old-space-size=300', fileURLToPath(fixture('exec-argv.mjs'))],
      { timeout: 15_000 },
    );
    expect(JSON.parse(stdout)).toEqual({ thread: 42, process: 42 });
  });

  it('starts process workers from a parent run with -e (the worker must not re-run the inline code)', async () => {
    // Before the fix the forked worker inherited `-e CODE`, ran CODE instead of the bootstrap, created a
    // pool of its own and forked again without end.
    const code = [
      "import { createPool } from '@rocm-patch/mp';",
      `const pool = createPool({ module: ${JSON.stringify(tasksModule.href)}, runtime: 'process', size: 1 });`,
      "process.stdout.write(String(await pool.run('add', { a: 40, b: 2 })));",
      'await pool.close();',
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], {
      timeout: 15_000,
      killSignal: 'SIGKILL',
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    expect(stdout).toBe('42');
  });

  it('passes on Node options but not those that replace the script', () => {
    expect(
      inheritedExecArgv([
        '--max-old-space-size=300',
        '-e',
        'code()',
        '--import',
        'tsx',
        '--print=1',
        '--inspect=9229',
        '--input-type=module',
        '--watch',
        '--test',
        '--eval',
        'more()',
        '--enable-source-maps',
      ]),
    ).toEqual(['--max-old-space-size=300', '--import', 'tsx', '--enable-source-maps']);
  });
});

describe('GPU isolation', () => {
  it('hides every GPU from process workers by default', async () => {
    const p = pool({ runtime: 'process' });
    const { env } = await p.run<{ env: Record<string, string | null> }>('whoami');
    expect(env.ROCR_VISIBLE_DEVICES).toBe(hiddenGpuEnv.ROCR_VISIBLE_DEVICES);
    expect(env.HIP_VISIBLE_DEVICES).toBe(hiddenGpuEnv.HIP_VISIBLE_DEVICES);
    expect(env.CUDA_VISIBLE_DEVICES).toBe(hiddenGpuEnv.CUDA_VISIBLE_DEVICES);
    expect(hiddenGpuEnv).toEqual({
      ROCR_VISIBLE_DEVICES: '',
      HIP_VISIBLE_DEVICES: '-1',
      CUDA_VISIBLE_DEVICES: '-1',
    });
  });

  it('leaves the devices alone with hideGpus: false, and refuses a conflicting env', async () => {
    const p = pool({ runtime: 'process', hideGpus: false, env: { HIP_VISIBLE_DEVICES: '1' } });
    const { env } = await p.run<{ env: Record<string, string | null> }>('whoami');
    expect(env.HIP_VISIBLE_DEVICES).toBe('1');
    expect(env.ROCR_VISIBLE_DEVICES).toBe(process.env.ROCR_VISIBLE_DEVICES ?? null);
    expect(() =>
      createPool({ module: tasksModule, runtime: 'process', env: { CUDA_VISIBLE_DEVICES: '0' } }),
    ).toThrow(/options\.env\.CUDA_VISIBLE_DEVICES conflicts with hideGpus: true/);
  });

  it('does not touch the environment of thread workers (they share the process and its GPU)', async () => {
    const p = pool({ runtime: 'thread' });
    const { env } = await p.run<{ env: Record<string, string | null> }>('whoami');
    expect(env.CUDA_VISIBLE_DEVICES).toBe(process.env.CUDA_VISIBLE_DEVICES ?? null);
  });
});

describe('argument checks', () => {
  it('names the argument and the rule', async () => {
    const make = (extra: Record<string, unknown>) => () =>
      createPool({ module: tasksModule, runtime: 'thread', size: 1, ...extra } as Parameters<
        typeof createPool
      >[0]);
    expect(make({ size: 0 })).toThrow(RangeError);
    expect(make({ size: 0 })).toThrow(/options\.size must be between 1 and 1024/);
    expect(make({ size: 1.5 })).toThrow(/options\.size must be an integer/);
    expect(make({ runtime: 'fiber' })).toThrow(/options\.runtime must be 'thread' or 'process'/);
    expect(make({ module: 'https://example.com/x.mjs' })).toThrow(/file: URL or a path/);
    expect(make({ maxRestarts: -1 })).toThrow(RangeError);
    expect(make({ taskTimeoutMs: 0 })).toThrow(/options\.taskTimeoutMs must be > 0/);
    expect(make({ runtime: 'process', resourceLimits: { stackSizeMb: 4 } })).toThrow(
      /only supported by the thread/,
    );
    expect(make({ env: { A: 1 } })).toThrow(/options\.env\.A must be a string/);
    expect(make({ resourceLimits: { maxOldGenerationSizeMb: -1 } })).toThrow(
      /options\.resourceLimits\.maxOldGenerationSizeMb must be a positive number/,
    );
    expect(make({ resourceLimits: { heapMb: 1 } })).toThrow(
      /options\.resourceLimits\.heapMb is not a resource limit/,
    );
    const p = pool({ runtime: 'thread', persistent: false });
    await expect(p.run('')).rejects.toThrow(TypeError);
    await expect(p.run('echo', 1, { worker: 1 })).rejects.toThrow(/options\.worker must be between 0 and 0/);
    await expect(p.run('echo', 1, { timeoutMs: -5 })).rejects.toThrow(RangeError);
    await expect(p.run('echo', 1, { transfer: 'x' as never })).rejects.toThrow(
      /options\.transfer must be an array/,
    );
    await expect(p.broadcast('echo', 1, { worker: 0 } as never)).rejects.toThrow(/broadcast options take no/);
  });

  it('setupMultiprocessing sets defaults for later pools and validates them', async () => {
    const before = setupMultiprocessing({});
    try {
      const after = setupMultiprocessing({ runtime: 'thread', size: 2 });
      expect(after.runtime).toBe('thread');
      const p = createPool({ module: tasksModule, persistent: false });
      pools.push(p);
      expect(p.runtime).toBe('thread');
      expect(p.size).toBe(2);
      expect(() => setupMultiprocessing({ maxRestarts: 1.5 })).toThrow(
        /options\.maxRestarts must be an integer/,
      );
    } finally {
      setupMultiprocessing(before);
    }
  });
});
