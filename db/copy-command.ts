/**
 * The `npm run db:copy` command around db/copy.ts: its arguments (checked before anything is
 * opened), the counts table and what the operator does next. Exit codes: 0 copied, 1 refused or
 * failed, 2 bad arguments.
 */
import { existsSync, statSync } from 'node:fs';
import { isPostgresUrl } from '../src/lib/config';
import { sqlitePathFromUrl } from './client';
import {
  copyDatabase,
  CopyRefused,
  CopyUsageError,
  redact,
  type CopyArguments,
  type CopyReport,
  type TableCount,
} from './copy';
import { VOTER_KEY_CHECK_SETTING } from './pg/shared-state';

export const USAGE = [
  'Usage: npm run db:copy -- --from file:./data/peer-polls.db --to postgres://user@host:5432/peer_polls',
  'Stop the SQLite site first. If it ran with VOTER_KEY_SECRET set, run the copy with the same VOTER_KEY_SECRET.',
].join('\n');

/** `--from X --to Y` (or `--from=X --to=Y`), checked before anything is opened. */
export function parseCopyArguments(argv: string[]): CopyArguments {
  const found: Partial<Record<'from' | 'to', string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--(from|to)(?:=(.*))?$/s.exec(arg);
    if (!match) {
      throw new CopyUsageError(
        arg.startsWith('-') ? `Unknown option ${arg}.` : `Unexpected argument ${JSON.stringify(arg)}.`,
      );
    }
    const name = match[1] as 'from' | 'to';
    let value = match[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new CopyUsageError(`--${name} needs a value.`);
      i++;
    }
    if (found[name] !== undefined) throw new CopyUsageError(`--${name} is given twice.`);
    found[name] = value.trim();
  }
  if (!found.from)
    throw new CopyUsageError('--from is missing: the SQLite file to copy, as file:./data/peer-polls.db.');
  if (!found.to) throw new CopyUsageError('--to is missing: the PostgreSQL database to copy into, as postgres://…');
  if (!found.from.startsWith('file:')) {
    throw new CopyUsageError(`--from must name a SQLite file as file:path (got ${JSON.stringify(found.from)}).`);
  }
  const path = sqlitePathFromUrl(found.from);
  if (path === '' || path === ':memory:') throw new CopyUsageError('--from must name a SQLite file.');
  if (!existsSync(path)) throw new CopyUsageError(`The source file ${path} does not exist.`);
  if (!statSync(path).isFile()) throw new CopyUsageError(`The source ${path} is not a file.`);
  if (!isPostgresUrl(found.to)) {
    throw new CopyUsageError(
      `--to must be a postgres:// or postgresql:// URL (got ${JSON.stringify(redact(found.to))}).`,
    );
  }
  try {
    new URL(found.to);
  } catch {
    throw new CopyUsageError('--to is not a valid postgres:// URL.');
  }
  return { from: found.from, to: found.to };
}

/** The counts as a table for the operator. */
export function formatCounts(counts: TableCount[]): string[] {
  const width = Math.max(5, ...counts.map((c) => c.table.length));
  const num = (n: number | string) => String(n).padStart(10);
  return [
    `${'table'.padEnd(width)} ${num('SQLite')} ${num('PostgreSQL')}`,
    ...counts.map((c) => `${c.table.padEnd(width)} ${num(c.source)} ${num(c.target)}`),
  ];
}

/** The command: arguments in, lines out, an exit code back (0 copied, 1 refused or failed, 2 bad arguments). */
export async function runDbCopy(
  argv: string[],
  out: { log: (line: string) => void; error: (line: string) => void } = console,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    out.log(USAGE);
    return 0;
  }
  let args: CopyArguments;
  try {
    args = parseCopyArguments(argv);
  } catch (error) {
    if (!(error instanceof CopyUsageError)) throw error;
    out.error(`${error.message} Nothing was written.\n${USAGE}`);
    return 2;
  }
  let report: CopyReport;
  try {
    report = await copyDatabase({ ...args, log: out.log, voterKeySecret: env.VOTER_KEY_SECRET?.trim() || null });
  } catch (error) {
    if (error instanceof CopyRefused) {
      out.error(error.message);
    } else {
      out.error(
        `The copy failed; nothing was written to the target: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return 1;
  }
  for (const line of formatCounts(report.counts)) out.log(line);
  out.log(`Tally sums equal: ${report.sums.length} columns.`);
  let failed = false;
  if (report.drift === null) {
    out.error(`The copy is committed, but the recount on PostgreSQL could not run: ${report.recountError}`);
    out.error('Check it with: DATABASE_URL=<target> npm run db:recount -- --check');
    failed = true;
  } else if (report.drift.length > 0) {
    out.error(
      `The recount on PostgreSQL found ${report.drift.length} tallies that do not match its vote log (the copy is committed):`,
    );
    for (const d of report.drift) {
      out.error(`  ${d.pollSlug}: ${d.what} tally is ${d.stored}, the vote log has ${d.actual}`);
    }
    out.error('The source most likely has the same drift. Repair: DATABASE_URL=<target> npm run db:recount');
    failed = true;
  } else {
    out.log('Recount on PostgreSQL: every tally matches the vote log.');
  }
  if (report.movedLegacySecret) {
    out.log(
      "The legacy setting 'voter_key_secret' was left out (the voter key secret never lives in PostgreSQL) and " +
        `moved out of the source to ${report.voterKeyFile}, as the site does on start.`,
    );
  }
  if (report.legacySecretError !== null) {
    out.error(
      `The source still holds the voter key secret in its settings ('voter_key_secret'), and moving it to ` +
        `${report.voterKeyFile} failed: ${report.legacySecretError}. Start the SQLite site once (it moves it there).`,
    );
    failed = true;
  }
  out.log('');
  out.log('Next:');
  const secretIs =
    report.secretCheckFrom === 'VOTER_KEY_SECRET'
      ? 'the VOTER_KEY_SECRET this copy ran with'
      : report.voterKeyFileExists
        ? `the content of ${report.voterKeyFile}`
        : `the content of ${report.voterKeyFile} (not found), or the VOTER_KEY_SECRET the SQLite site ran with`;
  out.log(
    `- Set VOTER_KEY_SECRET on the PostgreSQL site to the secret the SQLite site used — ${secretIs} — so existing ` +
      `voters keep their identities (their browsers' votes, duplicate locks and person locks).`,
  );
  if (report.secretCheckFrom !== null) {
    out.log(
      `  The database holds a check of that secret (from the ${report.secretCheckFrom}; the setting ` +
        `'${VOTER_KEY_CHECK_SETTING}', never the secret itself): an instance started with another one refuses to start.`,
    );
  } else {
    out.log(
      '  No secret of the SQLite site was found, so nothing checks it: the first instance to start keeps the one it has.',
    );
  }
  out.log(
    '- Votes cast on the SQLite site after this copy began are not in PostgreSQL: keep it stopped from now on, ' +
      'and start the site with DATABASE_URL set to the PostgreSQL database.',
  );
  return failed ? 1 : 0;
}
