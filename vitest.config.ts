import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure logic, `*.test.ts` beside the code) stays fast;
 * `integration` (real PostgreSQL, real HTTP server, real TLS) lives under `packages/x/test/`.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts'],
          globalSetup: ['packages/dmp/test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
