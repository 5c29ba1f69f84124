/**
 * npm run db:migrate — applies pending migrations to DATABASE_URL, SQLite or PostgreSQL (the
 * server also does this at start; on PostgreSQL under the same advisory lock).
 */
import { openStores } from '../db/open-store';
import { ConfigError, loadConfig } from '@/lib/config';

try {
  await (await openStores(loadConfig().databaseUrl, { poolSize: 1 })).close();
  console.log('Database is up to date.');
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exitCode = 1;
}
