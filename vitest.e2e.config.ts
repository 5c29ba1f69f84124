import { defineConfig } from 'vitest/config';
import { alias } from './vitest.shared';

// Browser tests: Playwright driving Debian's Chromium against the built server.
export default defineConfig({
  resolve: { alias },
  test: {
    include: ['test/e2e/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    fileParallelism: false,
  },
});
