import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rocm-patch/env',
    include: ['test/**/*.test.ts'],
  },
});
