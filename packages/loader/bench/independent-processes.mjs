#!/usr/bin/env node
// The machine's own ceiling for the loader's scaling: N independent processes, each calling
// ImageFolderDataset.getItem in a loop on the loader benchmark's folder (no loader, no batches, no
// messages), and their summed samples/s against one such process. A loader with N workers does this
// work plus collating and moving its batches, so its speed-up over numWorkers 0 stays below this.
//
//   node packages/loader/bench/independent-processes.mjs [--root DIR] [--processes 1,8] [--seconds 4]
import { fork } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ImageFolderDataset } from '../dist/image-folder.mjs';

const { values: args } = parseArgs({
  options: {
    root: { type: 'string', default: join(tmpdir(), 'rocm-patch-loader-bench-v1-2000') },
    processes: { type: 'string', default: '1,8' },
    seconds: { type: 'string', default: '4' },
    child: { type: 'string' },
  },
});
const seconds = Number(args.seconds);

if (args.child !== undefined) {
  // A child: warm up, report ready, then count samples for `seconds` once told to start.
  const ds = new ImageFolderDataset({ root: args.root, sharpConcurrency: 1, sharpCache: false });
  const first = Number(args.child) * 250;
  for (let i = 0; i < 200; i++) await ds.getItem((first + i) % ds.length);
  process.send('ready');
  process.once('message', async () => {
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < seconds * 1000) {
      await ds.getItem((first + n) % ds.length);
      n++;
    }
    process.send({ samplesPerSecond: (n * 1000) / (performance.now() - start) });
    process.disconnect();
  });
} else {
  const counts = args.processes.split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1))
    throw new RangeError('--processes must list integers ≥ 1');
  const results = [];
  for (const n of counts) {
    const children = Array.from({ length: n }, (_, i) =>
      fork(new URL(import.meta.url).pathname, [
        '--root',
        args.root,
        '--seconds',
        args.seconds,
        '--child',
        String(i),
      ]),
    );
    await Promise.all(children.map((c) => new Promise((resolve) => c.once('message', resolve))));
    const rates = children.map(
      (c) => new Promise((resolve) => c.once('message', (m) => resolve(m.samplesPerSecond))),
    );
    for (const c of children) c.send('start');
    const total = (await Promise.all(rates)).reduce((a, b) => a + b, 0);
    results.push({ processes: n, samplesPerSecond: total });
    const one = results.find((r) => r.processes === 1)?.samplesPerSecond;
    process.stdout.write(
      `${n} independent process${n === 1 ? '' : 'es'}: ${total.toFixed(1)} samples/s${one ? ` (${(total / one).toFixed(2)}× one)` : ''}\n`,
    );
  }
  process.stdout.write(
    `${JSON.stringify({ benchmark: '@rocm-patch/loader independent processes', results })}\n`,
  );
}
