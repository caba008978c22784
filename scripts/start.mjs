#!/usr/bin/env node
// `npm start`: build what the main example needs (turbo caches it), then run the example.
import { spawnSync } from 'node:child_process';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only', '--filter=@rocm-patch/env...']);
run(process.execPath, ['packages/env/dist/cli.mjs', 'doctor', ...process.argv.slice(2)]);
