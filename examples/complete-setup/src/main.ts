#!/usr/bin/env node
/**
 * enableAllPatches() does four things in a fixed order. This example does each of them by hand, and
 * prints what it did and why, so that you can take only the parts you need.
 *   node dist/main.mjs [--root DIR]     (--root: read /sys, /proc, /dev and /opt under DIR)
 */
import { parseArgs } from 'node:util';
import {
  createPool,
  DataLoader,
  detect,
  enableMiopenBypass,
  getBypassStats,
  getConvRouter,
  loadedGpuRuntimes,
  patchDataLoader,
  planEnvironment,
  runMain,
  SyntheticShapesDataset,
  setupEnvironment,
  setupMultiprocessing,
} from '@rocm-patch/all';

const say = (text = '') => process.stdout.write(`${text}\n`);
const heading = (n: number, title: string) =>
  say(`\n── Step ${n}: ${title} ${'─'.repeat(Math.max(0, 60 - title.length))}`);

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { root: { type: 'string' } }, strict: true });
  const root = values.root;

  heading(1, 'the environment, before any GPU runtime loads');
  say('ROCm reads HSA_OVERRIDE_GFX_VERSION, the *_VISIBLE_DEVICES lists and the MIOpen variables once,');
  say('when its runtime loads into the process. So they are planned and set first of all.');
  const runtimesBefore = loadedGpuRuntimes(root);
  say(
    `GPU runtimes already in this process: ${runtimesBefore.length === 0 ? 'none (good: not too late)' : runtimesBefore.join(', ')}`,
  );
  const report = detect({ ...(root ? { root } : {}), commands: false });
  say(
    `Detected GPUs: ${
      report.gpus.length === 0
        ? 'none — the plan is empty and everything runs on the CPU'
        : report.gpus
            .map((g) => `${g.index}: ${g.name} (${g.arch ?? 'unknown arch'}, ${g.family ?? '?'})`)
            .join('; ')
    }`,
  );
  say(
    `ROCm: ${report.rocm ? `${report.rocm.path} ${report.rocm.version ?? '(version unknown)'}` : 'not found'}`,
  );
  const plan = planEnvironment(report, {});
  say('The plan (a value you set yourself is never replaced: that is a "conflict", kept as you set it):');
  if (plan.entries.length === 0) say('  (nothing to set on this machine)');
  for (const e of plan.entries)
    say(`  ${e.action.padEnd(8)} ${e.name}=${e.value}\n           why: ${e.reason}`);
  for (const f of plan.findings)
    say(`  ${f.severity}: ${f.message}${f.fix ? `\n           fix: ${f.fix}` : ''}`);
  const applied = setupEnvironment({ ...(root ? { root } : {}) });
  say(
    `setupEnvironment() set: ${applied.applied.length === 0 ? 'nothing' : applied.applied.join(', ')} (calling it again changes nothing)`,
  );

  heading(2, 'worker pools that never touch the GPU');
  say('Process workers start from a fresh bootstrap and inherit process.env as it is now (with the plan),');
  say('plus ROCR_VISIBLE_DEVICES="", HIP_VISIBLE_DEVICES=-1 and CUDA_VISIBLE_DEVICES=-1, which hide');
  say('every GPU from them: a data worker that opened the GPU would waste its memory, or crash on ROCm.');
  const defaults = setupMultiprocessing({ runtime: 'process', hideGpus: true, persistent: true });
  say(
    `setupMultiprocessing(): runtime=${defaults.runtime}, size=${defaults.size}, hideGpus=${defaults.hideGpus}, persistent=${defaults.persistent}`,
  );
  const pool = createPool({
    module: new URL('./worker.mjs', import.meta.url),
    size: 1,
    name: 'complete-setup',
  });
  try {
    const seen = await pool.run('gpuVisibility', null);
    say(`What a pool worker sees: ${JSON.stringify(seen)}`);
  } finally {
    await pool.close();
  }
  say('Threads share the process (and its GPU context): only the process runtime isolates the GPU.');

  heading(3, 'DataLoader defaults');
  say('PyTorch users on ROCm learned to use persistent workers (no re-spawn per epoch); rocm-patch makes');
  say('that the default, with process workers when there is a GPU to keep away from, threads otherwise.');
  patchDataLoader({ persistentWorkers: true, runtime: report.gpus.length > 0 ? 'process' : 'thread' });
  const loader = new DataLoader({
    dataset: new SyntheticShapesDataset({ length: 64, size: 16 }),
    batchSize: 16,
    numWorkers: 2,
    seed: 1,
  });
  let batches = 0;
  for await (const batch of loader) {
    batches++;
    if (batches === 1)
      say(
        `First batch: image ${JSON.stringify((batch.image as { shape: number[] }).shape)}, labels ${Array.from((batch.label as { data: Int32Array }).data).join(',')}`,
      );
  }
  say(
    `patchDataLoader(): this loader got runtime=${loader.runtime}, persistentWorkers=${loader.persistentWorkers}; ${batches} batches`,
  );
  await loader.close();

  heading(4, 'convolutions without MIOpen');
  say('On gfx1010 MIOpen convolutions hang for inputs above about 42×42. The bypass replaces the TF.js');
  say('conv kernels with ours (GPU implicit GEMM, or the CPU here); the vendor library is used only for');
  say('shapes whose probe in a separate process succeeded, and only if it is faster.');
  const tf = await import('@tensorflow/tfjs');
  tf.enableProdMode();
  await tf.setBackend('cpu');
  const handle = enableMiopenBypass({ tf });
  say(`enableMiopenBypass(): backend "${handle.backendName}", kernels ${handle.kernelNames.join(', ')}`);
  const router = getConvRouter();
  say(
    `Strategy ${router.strategy}; this process runs convolutions on ${router.capabilities.gpu ? `${router.capabilities.gpu.name} (${router.capabilities.gpu.backend})` : 'the CPU (no GPU backend)'}`,
  );
  const y = tf.tidy(() =>
    tf.conv2d(
      tf.tensor4d(new Float32Array(64 * 64 * 3).fill(1), [1, 64, 64, 3]),
      tf.tensor4d(new Float32Array(3 * 3 * 3 * 8).fill(1), [3, 3, 3, 8]),
      1,
      'same',
    ),
  );
  say(
    `A 64×64 conv (the size that hangs MIOpen on gfx1010): output ${y.shape.join('×')}, centre value ${(await y.data())[(32 * 64 + 32) * 8]}`,
  );
  y.dispose();
  const stats = getBypassStats();
  say(
    `Bypass statistics: ${stats.totalCalls} call(s), ${stats.bypassedCalls} bypassed, by algorithm ${JSON.stringify(stats.byAlgorithm)}`,
  );

  say(
    "\nDone. enableAllPatches() does steps 1–4 in one call and returns a report of the same facts (where a GPU is usable it selects the 'rocm' TF.js backend instead of step 4: see examples/train-cnn).",
  );
  return 0;
}

await runMain(import.meta, main).then(
  (code) => {
    process.exitCode = code ?? 0;
  },
  (error: unknown) => {
    process.stderr.write(`complete-setup: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
