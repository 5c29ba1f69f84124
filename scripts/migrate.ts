/** npm run db:migrate — applies pending migrations to DATABASE_URL (the server also does this at start). */
import { openDatabase } from '../db/open';
import { ConfigError, loadConfig } from '@/lib/config';

try {
  openDatabase(loadConfig().databaseUrl).close();
  console.log('Database is up to date.');
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exitCode = 1;
}
