#!/usr/bin/env node
import { main } from './cli-main.js';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`rocm-patch: internal error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
