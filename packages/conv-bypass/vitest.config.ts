import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rocm-patch/conv-bypass',
    include: ['test/**/*.test.ts'],
  },
});
