/**
 * npm run polls -- export [file.json]   every poll as PollInput JSON (stdout without a file)
 * npm run polls -- import file.json     create the polls in the file: all of them, or none
 * Uses DATABASE_URL like the server; changes are recorded in the audit log as "cli".
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { openStores } from '../db/open-store';
import { ConfigError, loadConfig } from '@/lib/config';
import { exportPolls, ImportError, importPolls } from '@/lib/poll-files';

const [command, file] = process.argv.slice(2);

async function main(): Promise<number> {
  if (command !== 'import' && command !== 'export') {
    console.error('Usage: npm run polls -- export [file.json] | import file.json');
    return 2;
  }
  const { store } = await openStores(loadConfig().databaseUrl, { poolSize: 2 });
  try {
    if (command === 'export') {
      const json = `${JSON.stringify(await exportPolls(store), null, 2)}\n`;
      if (file) writeFileSync(file, json);
      else process.stdout.write(json);
      if (file) console.error(`Exported ${JSON.parse(json).length} polls to ${file}.`);
      return 0;
    }
    if (!file) {
      console.error('import needs a file: npm run polls -- import polls.json');
      return 2;
    }
    let list: unknown;
    try {
      list = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      console.error(`Cannot read ${file} as JSON: ${(error as Error).message}`);
      return 1;
    }
    const created = await importPolls(store, list, Date.now(), 'cli');
    console.log(`Imported ${created.length} polls: ${created.map((p) => p.slug).join(', ')}`);
    return 0;
  } catch (error) {
    if (error instanceof ImportError) {
      console.error(`Nothing was imported. Problems:\n${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : String(error));
    process.exitCode = 1;
  },
);
