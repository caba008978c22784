import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rocm-patch/loader',
    include: ['test/**/*.test.ts'],
    // Worker tests start threads and processes; on a loaded 2-core CI machine that can take seconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
