import { defineConfig } from 'vitest/config';

// One root config: each package (and example) is a vitest project with its own vitest.config.ts.
// `npx vitest run` here runs all of them; `npm test` runs them per package through turbo.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
  },
});
