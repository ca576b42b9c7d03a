import { defineConfig } from 'vitest/config';

// One runner for shared, server, sync and client (Node). Browser flows live in e2e/ (Playwright).
// Workspace packages (@seen/sync) resolve to their TypeScript sources under the `seen-source`
// export condition; published, the same package resolves to its built dist/.
export default defineConfig({
  resolve: { conditions: ['seen-source', 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: ['seen-source', 'module', 'node', 'development|production'] } },
  test: {
    include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'sync/**/*.test.ts', 'client/*.test.ts', 'client/src/**/*.test.ts', 'client/src/**/*.test.tsx'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores here: integration tests start real relays, so keep the pool small and predictable.
    pool: 'forks',
    maxWorkers: 2,
  },
});
