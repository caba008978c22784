import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rocm-patch/example-complete-setup',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
