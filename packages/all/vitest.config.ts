import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rocm-patch/all',
    include: ['test/**/*.test.ts'],
  },
});
