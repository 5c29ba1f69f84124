import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL store's schema and migrations (the SQLite ones: drizzle.config.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/pg/schema.ts',
  out: './db/pg-migrations',
});
