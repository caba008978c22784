import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compareWithTorch,
  parseTorchOutput,
  runTorchPeer,
  torchMissingReason,
} from '../bench/torch-peer.mjs';
import { removeDir, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => removeDir(dir));

/** An executable standing in for python3: `-c …` runs the import probe, anything else the reference script. */
function fakePython(name: string, { probe, script }: { probe: string; script: string }): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\nif [ "$1" = "-c" ]; then\n${probe}\nfi\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

// Prints one JSON line per requested count ($3: "0,2,…"): 100 samples/s per worker, 80 with none.
const torchLike = fakePython('python-torch', {
  probe: 'exit 0',
  script: `for n in $(echo "$3" | tr , ' '); do
  if [ "$n" = 0 ]; then r=80; else r=$((n * 100)); fi
  echo "{\\"peer\\": \\"torch DataLoader (PIL)\\", \\"numWorkers\\": $n, \\"samplesPerSecond\\": $r, \\"vsNumWorkers0\\": 1}"
done`,
});
const noTorch = fakePython('python-no-torch', {
  probe: `echo 'Traceback (most recent call last):' >&2; echo "ModuleNotFoundError: No module named 'torch'" >&2; exit 1`,
  script: 'exit 3',
});

describe('the loader benchmark’s PyTorch peer', () => {
  it('is skipped with a one-line reason where torch cannot be imported', () => {
    const reason = torchMissingReason(noTorch);
    expect(reason).toBe(
      `${noTorch} -c "import torch, torchvision" failed: ModuleNotFoundError: No module named 'torch'`,
    );
    expect(torchMissingReason(join(dir, 'no-such-python'))).toMatch(/^cannot run .*no-such-python: .*ENOENT/);
    expect(torchMissingReason(torchLike)).toBeNull();
  });

  it('runs the script on the folder and compares per worker count', async () => {
    const results = await runTorchPeer({
      python: torchLike,
      script: 'ref.py',
      root: dir,
      workerCounts: [0, 2, 8],
    });
    expect(results).toEqual([
      { numWorkers: 0, samplesPerSecond: 80 },
      { numWorkers: 2, samplesPerSecond: 200 },
      { numWorkers: 8, samplesPerSecond: 800 },
    ]);
    const ours = new Map([
      [0, 100],
      [2, 150],
    ]);
    expect(compareWithTorch(results, (n) => ours.get(n) ?? null)).toEqual([
      { numWorkers: 0, ours: 100, torch: 80, ratio: 1.25 },
      { numWorkers: 2, ours: 150, torch: 200, ratio: 0.75 },
      { numWorkers: 8, ours: null, torch: 800, ratio: null },
    ]);
  });

  it('rejects output it cannot trust, and a failed run with its stderr', async () => {
    expect(() => parseTorchOutput('warming up\n', [0])).toThrow(/a line that is not JSON: warming up/);
    expect(() => parseTorchOutput('{"numWorkers": 0, "samplesPerSecond": -1}\n', [0])).toThrow(
      /without a positive samplesPerSecond/,
    );
    expect(() => parseTorchOutput('{"numWorkers": 0.5, "samplesPerSecond": 1}\n', [0])).toThrow(
      /without an integer numWorkers/,
    );
    expect(() => parseTorchOutput('{"numWorkers": 0, "samplesPerSecond": 1}\n', [0, 4])).toThrow(
      /no result for numWorkers 4/,
    );
    const crashing = fakePython('python-crash', {
      probe: 'exit 0',
      script: `echo 'RuntimeError: DataLoader worker (pid 1) is killed by signal' >&2; exit 1`,
    });
    await expect(runTorchPeer({ python: crashing, root: dir, workerCounts: [0] })).rejects.toThrow(
      /exited with 1:\nRuntimeError: DataLoader worker/,
    );
  });

  it('puts PyTorch’s column and the ratios into the benchmark’s table and JSON', () => {
    const bench = new URL('../bench/loader.bench.mjs', import.meta.url).pathname;
    const common = ['--images', '64', '--workers', '0,2', '--rounds', '1', '--skip-tfjs'];
    const run = (python: string) =>
      spawnSync(process.execPath, [bench, ...common, '--python', python], {
        encoding: 'utf8',
        timeout: 120_000,
      });

    const measured = run(torchLike);
    expect(measured.status, measured.stderr).toBe(0);
    expect(measured.stdout).toMatch(/\| torch DataLoader \(PIL\) \| process +\| 2 +\| 200\.0 +\| 2\.50× +\|/);
    expect(measured.stdout).toMatch(/\| workers \| ours \(process\) \| PyTorch \| ours \/ PyTorch \|/);
    const json = JSON.parse(measured.stdout.trim().split('\n').at(-1)!);
    const ours = (n: number, runtime: string) =>
      json.results.find(
        (r: { pipeline: string; numWorkers: number; runtime: string }) =>
          r.pipeline === '@rocm-patch/loader' && r.numWorkers === n && r.runtime === runtime,
      ).samplesPerSecond;
    expect(json.torch.status).toBe('measured');
    expect(json.torch.comparison).toEqual([
      { numWorkers: 0, ours: ours(0, 'inline'), torch: 80, ratio: ours(0, 'inline') / 80 },
      { numWorkers: 2, ours: ours(2, 'process'), torch: 200, ratio: ours(2, 'process') / 200 },
    ]);
    expect(json.ratios['ours/torch@2']).toBe(ours(2, 'process') / 200);

    const skipped = run(noTorch);
    expect(skipped.status, skipped.stderr).toBe(0);
    const line = skipped.stdout.split('\n').find((l) => l.startsWith('PyTorch peer'));
    expect(line).toBe(
      `PyTorch peer skipped: ${noTorch} -c "import torch, torchvision" failed: ModuleNotFoundError: No module named 'torch'`,
    );
    expect(JSON.parse(skipped.stdout.trim().split('\n').at(-1)!).torch).toMatchObject({
      status: 'skipped',
      comparison: null,
    });
  });
});
