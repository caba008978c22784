import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rocm-patch/conv-bypass',
    include: ['test/**/*.test.ts'],
    // The property tests check layer-sized cases against a naive JavaScript reference: seconds each on a
    // loaded 2-core CI machine, far past vitest's 5 s default. A real hang still fails at this bound.
    testTimeout: 60_000,
  },
});
