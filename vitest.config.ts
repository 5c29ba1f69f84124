import { defineConfig } from 'vitest/config';
import { alias } from './vitest.shared';

// Everything that needs no browser: unit, integration (real SQLite files) and HTTP tests
// against the built server. `npm test` builds first; the browser tests have their own config.
export default defineConfig({
  resolve: { alias },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/http/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: HTTP test files each start a server, so keep parallelism modest.
    maxWorkers: 2,
  },
});
