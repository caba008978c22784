import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rocm-patch/example-train-cnn',
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
  },
});
