import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, type Pool, type PoolOptions, TaskTimeoutError, WorkerCrashError } from '../src/index.js';
import { fixture, isAlive, rejection, runtimes, tasksModule, waitFor } from './helpers.js';

const pools: Pool[] = [];
function pool(options: Partial<PoolOptions> & { runtime: 'thread' | 'process' }): Pool {
  const p = createPool({ module: tasksModule, size: 1, killGraceMs: 300, ...options });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.terminate()));
});

async function pidOf(p: Pool, worker = 0): Promise<number> {
  const { pid } = await p.run<{ pid: number }>('whoami', undefined, { worker });
  return pid;
}

describe.each(runtimes)('%s workers', (runtime) => {
  it('a worker that calls process.exit rejects its task with WorkerCrashError and is replaced', async () => {
    const p = pool({ runtime });
    const error = (await rejection(p.run('exit', 7))) as WorkerCrashError;
    expect(error).toBeInstanceOf(WorkerCrashError);
    expect(error).toMatchObject({
      workerId: 0,
      exitCode: 7,
      signal: null,
      taskName: 'exit',
      duringLoad: false,
    });
    expect(await p.run('add', { a: 1, b: 1 })).toBe(2);
    expect(p.workers[0]?.restarts).toBe(1);
  });

  it('replaces a worker that dies while idle', async () => {
    const p = pool({ runtime });
    expect(await p.run('exitSoon', 5)).toBe('bye');
    await waitFor(() => p.workers[0]?.restarts === 1, 5000);
    expect(p.workers[0]?.restarts).toBe(1);
    expect(await p.run('add', { a: 3, b: 4 })).toBe(7);
  });

  it('an uncaught error thrown later by a task crashes the worker and is reported', async () => {
    const p = pool({ runtime });
    const error = (await rejection(p.run('throwLater', 'late failure'))) as WorkerCrashError;
    expect(error).toBeInstanceOf(WorkerCrashError);
    expect(error).toMatchObject({ workerId: 0, exitCode: 1, taskName: 'throwLater', duringLoad: false });
    // Threads report the error itself; a process prints it on the inherited stderr and exits with code 1.
    if (runtime === 'thread') expect(String((error.cause as Error).message)).toBe('late failure');
    expect(await p.run('add', { a: 1, b: 1 })).toBe(2);
  });

  it('stops replacing a worker after maxRestarts crashes', async () => {
    const p = pool({ runtime, maxRestarts: 1 });
    await expect(p.run('exit', 1)).rejects.toBeInstanceOf(WorkerCrashError);
    const queued = p.run('add', { a: 1, b: 1 });
    expect(await queued).toBe(2);
    await expect(p.run('exit', 1)).rejects.toBeInstanceOf(WorkerCrashError);
    expect(p.workers[0]?.state).toBe('failed');
    const error = (await rejection(p.run('add', { a: 1, b: 1 }))) as WorkerCrashError;
    expect(error).toBeInstanceOf(WorkerCrashError);
    expect(error.message).toMatch(/maxRestarts 1 reached/);
    expect(error.taskName).toBe('add');
  });

  it('a module that throws while loading fails its tasks and is not restarted in a loop', async () => {
    const p = createPool({ module: fixture('throws-on-load.mjs'), runtime, size: 2, killGraceMs: 300 });
    pools.push(p);
    const errors = (await Promise.all([
      rejection(p.run('never')),
      rejection(p.run('never')),
    ])) as WorkerCrashError[];
    for (const error of errors) {
      expect(error).toBeInstanceOf(WorkerCrashError);
      expect(error.duringLoad).toBe(true);
      expect(error.taskName).toBe('never');
      expect(error.message).toMatch(/failed to load .*throws-on-load\.mjs: module exploded on load/);
      expect(String((error.cause as Error).stack)).toContain('throws-on-load.mjs');
    }
    await waitFor(() => p.workers.every((w) => w.state === 'failed'), 5000);
    expect(p.workers.map((w) => [w.state, w.restarts])).toEqual([
      ['failed', 0],
      ['failed', 0],
    ]);
    await expect(p.run('never')).rejects.toThrow(/every worker has failed for good/);
  });

  it('a task past its timeout rejects with TaskTimeoutError and its worker is replaced', async () => {
    const p = pool({ runtime, taskTimeoutMs: 10_000 });
    const before = p.workers[0]?.pid ?? p.workers[0]?.threadId;
    const started = Date.now();
    const error = (await rejection(p.run('spin', undefined, { timeoutMs: 150 }))) as TaskTimeoutError;
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect(error).toMatchObject({ workerId: 0, taskName: 'spin', timeoutMs: 150 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await p.run('add', { a: 2, b: 2 })).toBe(4);
    expect(p.workers[0]?.pid ?? p.workers[0]?.threadId).not.toBe(before);
    expect(p.workers[0]?.restarts).toBe(0); // a timeout is not a crash
  });
});

describe('thread workers', () => {
  it('a worker past its resourceLimits heap is reported as a crash and replaced', async () => {
    const p = pool({ runtime: 'thread', resourceLimits: { maxOldGenerationSizeMb: 16 } });
    const error = (await rejection(p.run('exhaustHeap'))) as WorkerCrashError;
    expect(error).toBeInstanceOf(WorkerCrashError);
    expect(error.taskName).toBe('exhaustHeap');
    expect((error.cause as { code?: string }).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    expect(await p.run('add', { a: 1, b: 1 })).toBe(2);
  });
});

describe('process workers', () => {
  it('a worker killed by SIGSEGV rejects its task with the signal and is replaced', async () => {
    const p = pool({ runtime: 'process' });
    const pid = await pidOf(p);
    const error = (await rejection(p.run('segfault'))) as WorkerCrashError;
    expect(error).toBeInstanceOf(WorkerCrashError);
    expect(error).toMatchObject({ workerId: 0, exitCode: null, signal: 'SIGSEGV', taskName: 'segfault' });
    expect(isAlive(pid)).toBe(false);
    expect(await pidOf(p)).not.toBe(pid);
  });

  it('a worker killed from outside (SIGKILL) while running a task is reported and replaced', async () => {
    const p = pool({ runtime: 'process' });
    const pid = await pidOf(p);
    const task = p.run('sleep', 5000);
    setTimeout(() => process.kill(pid, 'SIGKILL'), 50);
    expect(await rejection(task)).toMatchObject({
      name: 'WorkerCrashError',
      signal: 'SIGKILL',
      taskName: 'sleep',
    });
    expect(await p.run('add', { a: 1, b: 2 })).toBe(3);
  });

  it('a timed-out worker that ignores SIGTERM is killed with SIGKILL after the grace period', async () => {
    const p = pool({ runtime: 'process', killGraceMs: 200 });
    const pid = await pidOf(p);
    const error = await rejection(p.run('spinIgnoringSigterm', undefined, { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect(isAlive(pid)).toBe(true); // SIGTERM was sent and ignored
    expect(await waitFor(() => !isAlive(pid), 3000)).toBe(true);
    expect(await pidOf(p)).not.toBe(pid);
  });

  it('leaves no worker alive after close, after a crash and after terminate', async () => {
    const p = pool({ runtime: 'process', size: 2 });
    const pids = [await pidOf(p, 0), await pidOf(p, 1)];
    await expect(p.run('exit', 1, { worker: 0 })).rejects.toBeInstanceOf(WorkerCrashError);
    expect(isAlive(pids[0] as number)).toBe(false);
    const replacement = await pidOf(p, 0);
    await p.close();
    expect([replacement, ...pids].filter(isAlive)).toEqual([]);

    const q = pool({ runtime: 'process', size: 2 });
    const qpids = [await pidOf(q, 0), await pidOf(q, 1)];
    const busy = q.run('spin', undefined, { worker: 0 }).catch((error: unknown) => error);
    await q.terminate();
    await busy;
    expect(qpids.filter(isAlive)).toEqual([]);
  });

  it('an idle pool that was never closed lets the program exit, and its workers exit with it', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [fileURLToPath(fixture('forgotten-pool.mjs'))],
      {
        timeout: 15_000,
      },
    );
    const pids = JSON.parse(stdout) as number[];
    expect(pids).toHaveLength(2);
    expect(await waitFor(() => !pids.some(isAlive), 5000)).toBe(true);
  });

  it('workers exit when their parent is killed with SIGKILL, idle or busy', async () => {
    const parent = spawn(process.execPath, [fileURLToPath(fixture('orphan-parent.mjs'))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      parent.on('exit', (code) => reject(new Error(`parent exited early with ${code}`)));
    });
    const pids = JSON.parse(line) as number[];
    try {
      expect(pids).toHaveLength(2);
      expect(pids.every(isAlive)).toBe(true);
      parent.kill('SIGKILL');
      // The idle worker sees its IPC channel close; the busy one (in a synchronous loop) is killed by its watchdog.
      expect(await waitFor(() => !pids.some(isAlive), 5000)).toBe(true);
    } finally {
      for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL'); // never leak a spinning process
    }
  });
});
