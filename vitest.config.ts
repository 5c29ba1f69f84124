import { defineConfig } from 'vitest/config';
import { alias } from './vitest.shared';

// Everything that needs no browser: unit, integration (real databases) and HTTP tests against
// the built server. `npm test` builds first; the browser tests have their own config.
//
// The test matrix: the `sqlite` project runs every file on the embedded SQLite store; with a
// PostgreSQL cluster named by PEER_POLLS_TEST_POSTGRES (`.ci/run` starts one with
// scripts/pg-cluster.sh), the `postgres` project runs the integration and HTTP files again with
// every store and server on PostgreSQL — the same files, not copies.

/** Tests of the SQLite store itself, with why they have no PostgreSQL leg. */
const SQLITE_ONLY = [
  // SQLite's own migration files, pragmas, group commit, read cache and file layout.
  'test/integration/migrations.test.ts',
  'test/integration/group-commit.test.ts',
  'test/integration/poll-reads.test.ts',
  'test/integration/start-reads.test.ts',
  // Disk faults injected into the SQLite file (PostgreSQL outages: test/postgres/outage.test.ts).
  'test/integration/storage-unavailable.test.ts',
  'test/integration/survey-storage-unavailable.test.ts',
  'test/http/disk-full.test.ts',
  // The voter-key file beside the SQLite database (PostgreSQL requires VOTER_KEY_SECRET).
  'test/integration/voter-secret.test.ts',
  'test/http/voter-secret.test.ts',
  // Power loss of the SQLite file (PostgreSQL: SIGKILL in test/postgres/multi-instance.test.ts).
  'test/http/durability.test.ts',
  'test/http/survey-durability.test.ts',
  // The SQLite-specific parts split out of files that run on both stores (pragmas, group commit, file bytes).
  '**/*.sqlite.test.ts',
];

const postgres = process.env.PEER_POLLS_TEST_POSTGRES;
// Said once per run (Vitest reads this file more than once).
if (!postgres && !process.env.PEER_POLLS_SKIP_NOTED) {
  process.env.PEER_POLLS_SKIP_NOTED = '1';
  console.log('PostgreSQL legs skipped: set PEER_POLLS_TEST_POSTGRES (see scripts/pg-cluster.sh) to run them.');
}

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: HTTP test files each start a server, so keep parallelism modest.
    maxWorkers: 2,
    projects: [
      {
        extends: true as const,
        test: {
          name: 'sqlite',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/http/**/*.test.ts'],
        },
      },
      ...(postgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                // test/postgres: what only PostgreSQL has (several instances, shared state, its outages, db:copy).
                include: ['test/integration/**/*.test.ts', 'test/http/**/*.test.ts', 'test/postgres/**/*.test.ts'],
                exclude: SQLITE_ONLY,
                env: { PEER_POLLS_TEST_STORE: 'postgres' },
                globalSetup: ['test/support/postgres-setup.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
