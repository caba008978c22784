import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, type Pool, setupMultiprocessing, TaskError, WorkerCrashError } from '../src/index.js';
import { fixture, rejection, runtimes, waitFor } from './helpers.js';

/** Runs a case of fixtures/hang-cases.mjs in a child process, killed after `ms`. */
function runCase(
  name: string,
  runtime: string,
  ms = 15_000,
): Promise<{ status: number | null; lines: unknown[]; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(fixture('hang-cases.mjs')), name, runtime], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ms);
    child.on('exit', (status) => {
      clearTimeout(timer);
      const lines = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      resolve({ status, lines, stderr, timedOut });
    });
  });
}

describe('a transfer list with a detached buffer fails the task instead of leaving it pending', () => {
  it('thread worker: a result that transfers a module-level buffer the second time', async () => {
    const run = await runCase('detached-result', 'thread');
    expect(run).toMatchObject({ status: 0, timedOut: false, stderr: '' });
    expect(run.lines).toEqual([
      { ok: true, value: [2, 2, 2, 2] },
      {
        ok: false,
        name: 'TaskError',
        message:
          'the result of task "transferShared" transfers an ArrayBuffer that is already detached (transfer[0]): an earlier transfer moved it out of this worker, so it can be moved only once — return a copy (e.g. array.slice()) or leave it out of withTransfer',
      },
      { ok: true, value: 'still serving' },
    ]);
  });

  // Process workers copy: their transfer list moves nothing, so only threads can meet a detached buffer.
  it('thread worker: run() with a buffer the caller already transferred', async () => {
    const run = await runCase('detached-transfer', 'thread');
    expect(run).toMatchObject({ status: 0, timedOut: false, stderr: '' });
    expect(run.lines).toEqual([
      { ok: true, value: 8 },
      {
        ok: false,
        name: 'TypeError',
        message:
          'options.transfer[0] of task "length" is an ArrayBuffer that is already detached (moved away by an earlier transfer): pass a buffer this thread still owns, or a copy',
      },
    ]);
  });
});

describe.each(runtimes)('%s workers: close()', (runtime) => {
  it('ends within killGraceMs of a task that never settles, and still runs the queued task', async () => {
    const run = await runCase('close-never', runtime);
    expect(run).toMatchObject({ status: 0, timedOut: false, stderr: '' });
    const [closed, never, queued] = run.lines as [{ closeMs: number }, unknown, unknown];
    expect(closed.closeMs).toBeGreaterThanOrEqual(250);
    expect(closed.closeMs).toBeLessThan(5_000);
    expect(never).toEqual({
      ok: false,
      name: 'PoolClosedError',
      message:
        'task "never" on worker 0 of pool "pool-1" did not finish within killGraceMs (300 ms) of close(); its worker was killed',
    });
    expect(queued).toEqual({ ok: true, value: 'queued' });
  });
});

const pools: Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.terminate()));
});

describe.each(runtimes)('%s workers: errors thrown as plain objects', (runtime) => {
  it('keep their message, code and name', async () => {
    const p = createPool({ module: fixture('hardening-tasks.mjs'), runtime, size: 1 });
    pools.push(p);
    const error = (await rejection(
      p.run('throwErrorLike', { code: 'E_QUOTA', message: 'disk full' }),
    )) as TaskError;
    expect(error).toBeInstanceOf(TaskError);
    expect(error).toMatchObject({ message: 'disk full', code: 'E_QUOTA', remoteName: 'Error' });
    const named = (await rejection(p.run('throwNamedErrorLike'))) as TaskError;
    expect(named).toMatchObject({ message: 'over quota', code: 42, remoteName: 'QuotaError' });
    expect(named.stack).toMatch(
      /^QuotaError: over quota\n {4}at somewhere\n {4}--- in task "throwNamedErrorLike"/,
    );
  });
});

describe('unknown option keys', () => {
  it('createPool, run, broadcast and setupMultiprocessing name the key and suggest the nearest option', async () => {
    expect(() => createPool({ module: fixture('hardening-tasks.mjs'), sise: 2 } as never)).toThrow(
      /^createPool: options\.sise is not an option — did you mean options\.size\? \(options takes module, runtime/,
    );
    expect(() => setupMultiprocessing({ maxRestart: 1 } as never)).toThrow(
      /^setupMultiprocessing: options\.maxRestart is not an option — did you mean options\.maxRestarts\?/,
    );
    const p = createPool({
      module: fixture('hardening-tasks.mjs'),
      runtime: 'thread',
      size: 1,
      persistent: false,
    });
    pools.push(p);
    await expect(p.run('quick', 1, { timeout: 10 } as never)).rejects.toThrow(
      /^pool\.run: options\.timeout is not an option — did you mean options\.timeoutMs\?/,
    );
    await expect(p.broadcast('quick', 1, { singal: undefined } as never)).rejects.toThrow(
      /^pool\.broadcast: options\.singal is not an option — did you mean options\.signal\?/,
    );
  });
});

describe('a process worker killed by a signal while loading its module', () => {
  it('is a crash (replaced, counted), not a load failure that retires the worker for good', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rocm-patch-mp-'));
    try {
      const marker = join(dir, 'loading');
      const p = createPool({
        module: fixture('slow-first-load.mjs'),
        runtime: 'process',
        size: 1,
        killGraceMs: 300,
        env: { SLOW_LOAD_MARKER: marker },
      });
      pools.push(p);
      const first = p.run('ping');
      expect(await waitFor(() => existsSync(marker) && readFileSync(marker, 'utf8') !== '', 10_000)).toBe(
        true,
      );
      process.kill(Number(readFileSync(marker, 'utf8')), 'SIGKILL');
      const error = (await rejection(first)) as WorkerCrashError;
      expect(error).toBeInstanceOf(WorkerCrashError);
      expect(error).toMatchObject({ signal: 'SIGKILL', duringLoad: false });
      expect(error.message).toBe(
        `worker 0 of pool "${p.name}" was killed by SIGKILL before its module finished loading while running task "ping"`,
      );
      expect(await p.run('ping')).toBe('pong');
      expect(p.workers[0]).toMatchObject({ state: 'ready', restarts: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
