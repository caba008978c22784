#!/usr/bin/env node
import { main } from './cli-main.js';

// A reader that goes away (`rocm-patch doctor | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`rocm-patch: internal error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
