#!/usr/bin/env node
// `npm start`: build what the main example needs (turbo caches it), then run it:
// examples/train-cnn, enableAllPatches() and a small CNN trained through the conv bypass.
// Arguments after `npm start --` go to the example (see examples/train-cnn/README.md).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = join(root, 'examples', 'train-cnn');

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd, shell: process.platform === 'win32' });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run(
  'npx',
  ['turbo', 'run', 'build', '--output-logs=errors-only', '--filter=@rocm-patch/example-train-cnn...'],
  root,
);
run(process.execPath, [join(example, 'dist', 'main.mjs'), ...process.argv.slice(2)], example);
