#!/usr/bin/env node
/**
 * Runs python/train.py through `rocm-patch exec` (the CLI of @rocm-patch/all), so that PyTorch starts
 * with the planned environment. Skips, with a message and exit code 0, when python3 or torch is missing.
 *   node dist/main.mjs [--python PATH] [--root DIR] [-- SCRIPT ARGS...]
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, '..', 'python', 'train.py');

/** The rocm-patch CLI of the installed @rocm-patch/all (its "bin"). */
function rocmPatchCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@rocm-patch/all/package.json')), 'dist', 'cli.mjs');
}

/** Why PyTorch cannot run here, or null when it can. */
function missingPython(python: string): string | null {
  const version = spawnSync(python, ['--version'], { encoding: 'utf8' });
  if (version.error)
    return `${python} was not found (${(version.error as NodeJS.ErrnoException).code ?? version.error.message})`;
  const torch = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (torch.status !== 0) return `PyTorch is not installed for ${python} (import torch failed)`;
  return null;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { python: { type: 'string' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write('Usage: npm start -- [--python PATH] [--root DIR] [-- SCRIPT ARGS...]\n');
    return 0;
  }
  const python = values.python ?? 'python3';
  const missing = missingPython(python);
  if (missing) {
    process.stdout.write(
      `launch-pytorch: skipped: ${missing}.\n` +
        'Install PyTorch for ROCm (https://pytorch.org/get-started/locally/) or pass --python PATH, then run again.\n' +
        `What it would run: rocm-patch exec -- ${python} ${script}\n`,
    );
    return 0;
  }
  const args = [
    rocmPatchCli(),
    'exec',
    ...(values.root ? ['--root', values.root] : []),
    '--',
    python,
    script,
    ...positionals,
  ];
  process.stdout.write(`launch-pytorch: rocm-patch exec -- ${python} ${script}\n`);
  // rocm-patch exec passes stdio, signals and the exit code on; so does this.
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.on('error', (error) => {
      process.stderr.write(`launch-pytorch: ${error.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`launch-pytorch: ${(error as Error).message}\n`);
    process.exitCode = 2;
  },
);
