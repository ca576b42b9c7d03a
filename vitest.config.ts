import { defineConfig } from 'vitest/config';

// One runner for shared, server and client (Node). Browser flows live in e2e/ (Playwright).
export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'client/*.test.ts', 'client/src/**/*.test.ts', 'client/src/**/*.test.tsx'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores here: integration tests start real relays, so keep the pool small and predictable.
    pool: 'forks',
    maxWorkers: 2,
  },
});
