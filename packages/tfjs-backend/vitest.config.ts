import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rocm-patch/tfjs-backend',
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // The conformance suite (tfjs-core's own tests, thousands of specs) runs in a child process.
    testTimeout: 300_000,
  },
});
