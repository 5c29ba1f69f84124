/**
 * npm run db:recount [-- --check]
 * Rebuilds the per-option and per-poll tallies from the vote log and reports any drift.
 * With --check it only reports, and exits 1 when tallies and log disagree.
 */
import { openStores } from '../db/open-store';
import { ConfigError, loadConfig } from '@/lib/config';

const checkOnly = process.argv.includes('--check');

try {
  const config = loadConfig();
  const { store } = await openStores(config.databaseUrl, { poolSize: 1 });
  const drift = await store.recount(!checkOnly);
  for (const d of drift) console.log(`${d.pollSlug}: ${d.what} tally was ${d.stored}, the vote log has ${d.actual}`);
  if (drift.length === 0) console.log('Tallies match the vote log.');
  else
    console.log(
      checkOnly ? `${drift.length} tallies drifted (not repaired: --check).` : `Repaired ${drift.length} tallies.`,
    );
  await store.close();
  process.exitCode = checkOnly && drift.length > 0 ? 1 : 0;
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exitCode = 2;
}
