#!/usr/bin/env node
// Round-trip latency of an empty task and the cost of 1 MiB / 16 MiB Float32Array results, for
// @rocm-patch/mp (threads and processes) against piscina (threads) and tinypool (threads and processes),
// measured in one run. Usage: node bench/bench.mjs [--json] [--quick]
import { performance } from 'node:perf_hooks';
import { createPool } from '@rocm-patch/mp';
import { Piscina } from 'piscina';
import Tinypool from 'tinypool';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const here = (name) => new URL(`./${name}`, import.meta.url);
const MiB = 1024 * 1024;
const ROUNDS = quick ? 3 : 5;

/** Every contender as run(taskName, arg) → Promise, with one worker each (pure round trips). */
function contenders() {
  const ours = (runtime) => {
    const pool = createPool({ module: here('tasks-ours.mjs'), runtime, size: 1 });
    return {
      run: (name, arg, transfer) => pool.run(name, arg, transfer ? { transfer: [arg.buffer] } : {}),
      close: () => pool.close(),
    };
  };
  const piscina = () => {
    const pool = new Piscina({ filename: here('tasks-piscina.mjs').href, minThreads: 1, maxThreads: 1 });
    return {
      run: (name, arg, transfer) => pool.run(arg, transfer ? { name, transferList: [arg.buffer] } : { name }),
      close: () => pool.destroy(),
    };
  };
  const tinypool = (runtime) => {
    const pool = new Tinypool({
      filename: here(runtime === 'child_process' ? 'tasks-tinypool-process.mjs' : 'tasks-tinypool.mjs').href,
      runtime,
      minThreads: 1,
      maxThreads: 1,
      isolateWorkers: false,
      serialization: 'advanced', // Float32Array results need structured clone over IPC
    });
    return {
      run: (name, arg, transfer) => pool.run(arg, transfer ? { name, transferList: [arg.buffer] } : { name }),
      close: () => pool.destroy(),
    };
  };
  return [
    { name: 'mp thread', runtime: 'thread', peer: false, ...ours('thread') },
    { name: 'piscina', runtime: 'thread', peer: true, ...piscina() },
    { name: 'tinypool thread', runtime: 'thread', peer: true, ...tinypool('worker_threads') },
    { name: 'mp process', runtime: 'process', peer: false, ...ours('process') },
    { name: 'tinypool process', runtime: 'process', peer: true, ...tinypool('child_process') },
  ];
}

// "result" cases: the worker allocates the array and moves it back (allocation included, as in a real
// data loader). "moved" cases: one array travels to the worker and back, moved both ways where the
// runtime can (threads): no allocation, so the time shows what the crossing itself costs per size.
const floats = (bytes) => bytes / 4;
const cases = [
  { name: 'empty task', task: 'empty', arg: () => null, bytes: 0, count: { thread: 2000, process: 500 } },
  {
    name: '1 MiB result',
    task: 'array',
    arg: () => floats(MiB),
    bytes: MiB,
    count: { thread: 300, process: 60 },
  },
  {
    name: '16 MiB result',
    task: 'array',
    arg: () => floats(16 * MiB),
    bytes: 16 * MiB,
    count: { thread: 60, process: 12 },
  },
  {
    name: '1 MiB moved',
    task: 'bounce',
    arg: () => new Float32Array(floats(MiB)),
    transfer: true,
    bytes: MiB,
    count: { thread: 600, process: 60 },
  },
  {
    name: '16 MiB moved',
    task: 'bounce',
    arg: () => new Float32Array(floats(16 * MiB)),
    transfer: true,
    bytes: 16 * MiB,
    count: { thread: 600, process: 12 },
  },
];

async function batch(contender, c, count) {
  let arg = c.arg();
  const expected = c.bytes / 4;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const result = await contender.run(c.task, arg, c.transfer);
    if (c.bytes ? result?.length !== expected : result !== null) {
      throw new Error(`${contender.name}: wrong result for ${c.name}`);
    }
    if (c.transfer) arg = result; // the array comes back and goes out again
  }
  return (performance.now() - start) / count;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function main() {
  const pools = contenders();
  const results = [];
  try {
    for (const pool of pools) await pool.run('empty', null); // started and warm
    for (const c of cases) {
      const samples = new Map(pools.map((p) => [p.name, []]));
      // Rounds interleave the contenders so that noise from the shared machine hits them all alike.
      for (let round = 0; round < ROUNDS; round++) {
        for (const pool of pools) {
          const count = Math.max(1, Math.round(c.count[pool.runtime] / (quick ? 4 : 1)));
          if (round === 0) await batch(pool, c, Math.max(1, Math.round(count / 10))); // warm-up
          samples.get(pool.name).push(await batch(pool, c, count));
        }
      }
      for (const pool of pools) {
        const ms = median(samples.get(pool.name));
        results.push({ case: c.name, contender: pool.name, runtime: pool.runtime, msPerTask: ms });
      }
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }

  const find = (c, name) => results.find((r) => r.case === c && r.contender === name)?.msPerTask;
  const ratios = [];
  for (const c of cases) {
    ratios.push({
      case: c.name,
      ratio: 'mp thread / piscina',
      value: find(c.name, 'mp thread') / find(c.name, 'piscina'),
    });
    ratios.push({
      case: c.name,
      ratio: 'mp thread / tinypool thread',
      value: find(c.name, 'mp thread') / find(c.name, 'tinypool thread'),
    });
    ratios.push({
      case: c.name,
      ratio: 'mp process / tinypool process',
      value: find(c.name, 'mp process') / find(c.name, 'tinypool process'),
    });
  }
  const sizeGrowth = pools.map((p) => ({
    contender: p.name,
    result16MiBOver1MiB: find('16 MiB result', p.name) / find('1 MiB result', p.name),
    moved16MiBOver1MiB: find('16 MiB moved', p.name) / find('1 MiB moved', p.name),
  }));

  if (json) {
    process.stdout.write(
      `${JSON.stringify({ node: process.version, rounds: ROUNDS, results, ratios, sizeGrowth }, null, 2)}\n`,
    );
    return;
  }
  const pad = (s, n) => String(s).padEnd(n);
  const lpad = (s, n) => String(s).padStart(n);
  console.log(
    `@rocm-patch/mp benchmark — node ${process.version}, median of ${ROUNDS} rounds, one worker each\n`,
  );
  console.log(`${pad('case', 16)}${pad('contender', 22)}${lpad('ms/task', 10)}${lpad('GB/s', 9)}`);
  for (const r of results) {
    const bytes = cases.find((c) => c.name === r.case).bytes;
    const gbs = bytes ? (bytes / (r.msPerTask / 1000) / 1e9).toFixed(2) : '';
    console.log(
      `${pad(r.case, 16)}${pad(r.contender, 22)}${lpad(r.msPerTask.toFixed(4), 10)}${lpad(gbs, 9)}`,
    );
  }
  console.log('\nratios (time; < 1 means @rocm-patch/mp is faster)');
  for (const r of ratios) console.log(`${pad(r.case, 16)}${pad(r.ratio, 32)}${lpad(r.value.toFixed(2), 7)}×`);
  console.log('\ntime at 16 MiB over time at 1 MiB (1 = no growth with size; 16 = proportional)');
  console.log(`${pad('contender', 22)}${lpad('result', 9)}${lpad('moved', 9)}`);
  for (const g of sizeGrowth) {
    const f = (v) => `${v.toFixed(2)}×`;
    console.log(
      `${pad(g.contender, 22)}${lpad(f(g.result16MiBOver1MiB), 9)}${lpad(f(g.moved16MiBOver1MiB), 9)}`,
    );
  }
}

await main();
