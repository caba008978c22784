#!/usr/bin/env node
// Start-up of a @rocm-patch/mp pool: the time from createPool to the first result of an empty task (the
// worker started, its module loaded, one round trip), one worker, per runtime; median of 7 fresh pools.
// Usage: node bench/startup.mjs (after `npm run build` in this package).
import { performance } from 'node:perf_hooks';
import { createPool } from '@rocm-patch/mp';

const REPEATS = 7;
const module = new URL('./tasks-ours.mjs', import.meta.url);

for (const runtime of ['process', 'thread']) {
  const times = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    const pool = createPool({ module, runtime, size: 1 });
    await pool.run('empty', null);
    times.push(performance.now() - start);
    await pool.close();
  }
  times.sort((a, b) => a - b);
  const all = times.map((t) => t.toFixed(0)).join(' ');
  console.log(`${runtime.padEnd(8)} median ${times[REPEATS >> 1].toFixed(0)} ms (all, sorted: ${all})`);
}
