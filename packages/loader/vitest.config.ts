import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rocm-patch/loader',
    include: ['test/**/*.test.ts'],
  },
});
