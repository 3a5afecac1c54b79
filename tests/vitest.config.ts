import { defineConfig } from 'vitest/config';

// The same suite runs on the embedded PGlite and, when TEST_DATABASE_URL
// names a PostgreSQL server (.ci/run sets it), on PostgreSQL: every test file
// gets a database of its own on the engine of its project.
const postgres = process.env.TEST_DATABASE_URL;

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      // *.postgres.test.ts need a server database (several processes on one database): postgres project only.
      { extends: true, test: { name: 'pglite', include: ['**/*.test.ts'], exclude: ['browser/**', '**/*.postgres.test.ts', '**/node_modules/**'], env: { TEST_ENGINE: 'pglite' } } },
      ...(postgres
        ? [
            {
              extends: true,
              test: { name: 'postgres', include: ['**/*.test.ts'], exclude: ['browser/**', '**/pure/**', '**/*.pglite.test.ts', '**/node_modules/**'], env: { TEST_ENGINE: 'postgres' } },
            },
          ]
        : []),
      // The portal in the Chromium from npm (or CHROMIUM_PATH's), on the system as `npm start` runs it (embedded PGlite).
      // A page on a loaded two-core machine may take seconds to react: polls wait up to 10 s (vitest's default is 1 s).
      {
        extends: true,
        test: { name: 'browser', include: ['browser/**/*.test.ts'], testTimeout: 120_000, expect: { poll: { timeout: 10_000, interval: 100 } }, env: { TEST_ENGINE: 'pglite' } },
      },
    ],
  },
});
