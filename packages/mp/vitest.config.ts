import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rocm-patch/mp',
    include: ['test/**/*.test.ts'],
    // Failures are injected for real (crashes, hangs); a test that waits longer than this is a bug.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
