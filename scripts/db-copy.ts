/**
 * npm run db:copy -- --from file:./data/peer-polls.db --to postgres://user@host:5432/peer_polls
 * Copies a SQLite site into an empty PostgreSQL database, in one transaction, and checks the copy
 * (db/copy.ts). Exit codes: 0 copied, 1 refused or failed (nothing written unless it says the copy
 * is committed), 2 bad arguments (nothing opened).
 */
import { runDbCopy } from '../db/copy-command';

runDbCopy(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(String(error));
    process.exitCode = 1;
  },
);
