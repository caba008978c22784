import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rocm-patch/all',
    include: ['test/**/*.test.ts'],
    // The CLI tests spawn node several times per test; under CI's parallel load one spawn can take seconds.
    testTimeout: 60_000,
  },
});
