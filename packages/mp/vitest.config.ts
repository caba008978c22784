import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rocm-patch/mp',
    include: ['test/**/*.test.ts'],
  },
});
