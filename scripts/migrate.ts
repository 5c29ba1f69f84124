/** npm run db:migrate — applies pending migrations to DATABASE_URL (the server also does this at start). */
import { createDb } from '../db/client';
import { migrateDb } from '../db/migrate';
import { ConfigError, loadConfig } from '../src/lib/config';

try {
  const db = createDb(loadConfig().databaseUrl);
  migrateDb(db);
  db.$client.close();
  console.log('Database is up to date.');
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exitCode = 1;
}
