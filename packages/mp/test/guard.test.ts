import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isMainModule, isPoolWorker, runMain, workerInfo } from '../src/index.js';
import { fixture } from './helpers.js';

const run = promisify(execFile);

describe('main guard', () => {
  it('is not a pool worker in the caller, and this test file is not the entry point', async () => {
    expect(isPoolWorker()).toBe(false);
    expect(workerInfo()).toBeUndefined();
    expect(isMainModule(import.meta)).toBe(false);
    let ran = false;
    expect(
      await runMain(import.meta, () => {
        ran = true;
      }),
    ).toBeUndefined();
    expect(ran).toBe(false);
  });

  it('recognizes the entry point from process.argv[1]', async () => {
    const argv1 = process.argv[1];
    const entry = fileURLToPath(fixture('self-main.mjs'));
    try {
      process.argv[1] = entry;
      expect(isMainModule({ url: pathToFileURL(entry).href })).toBe(true);
      process.argv[1] = entry.replace(/\.mjs$/, ''); // `node self-main`
      expect(isMainModule({ url: pathToFileURL(entry).href })).toBe(true);
      expect(await runMain({ url: pathToFileURL(entry).href }, () => 42)).toBe(42);
      await expect(
        runMain({ url: pathToFileURL(entry).href }, () => {
          throw new Error('main failed');
        }),
      ).rejects.toThrow('main failed');
    } finally {
      process.argv[1] = argv1 as string;
    }
  });

  it('rejects bad arguments', () => {
    expect(() => isMainModule(undefined as never)).toThrow(/meta must be import\.meta/);
    expect(() => isMainModule({ url: 'https://x/y.mjs' })).toThrow(/meta\.url must be a file: URL/);
    expect(() => runMain(import.meta, 'main' as never)).toThrow(/fn must be a function/);
  });

  it('keeps thread and process workers started on the entry file itself from running main', async () => {
    const { stdout } = await run(process.execPath, [fileURLToPath(fixture('self-main.mjs'))], {
      timeout: 15_000,
    });
    const report = JSON.parse(stdout);
    expect(report.main).toEqual({ isMain: true, isPoolWorker: false, info: null });
    for (const runtime of ['thread', 'process']) {
      expect(report[runtime]).toEqual({
        isMain: false,
        isPoolWorker: true,
        info: { id: 0, poolName: `self-${runtime}`, runtime },
        ranMain: false,
      });
    }
  });
});
