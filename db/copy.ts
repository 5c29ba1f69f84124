/**
 * `npm run db:copy -- --from file:./data/peer-polls.db --to postgres://…`: moves a SQLite site to
 * PostgreSQL. The source is migrated to the newest schema first (as a start of the site would);
 * the target is migrated and must be EMPTY (no row in any table) — the copy never merges. Every
 * table is copied in foreign-key order inside ONE PostgreSQL transaction, with the source's ids,
 * from one SQLite read snapshot; the person locks become one sorted array per poll or survey
 * (person_lock_sets, survey_person_lock_sets); the legacy `voter_key_secret` setting stays behind
 * (the secret never lives in PostgreSQL: VOTER_KEY_SECRET) and a check of the site's secret comes
 * instead (db/pg/shared-state.ts: an instance started with another secret refuses to run — the
 * secret is VOTER_KEY_SECRET when the copy runs with one, else the file beside the SQLite database,
 * else that legacy setting, as the SQLite site resolves it). Before the commit every table's row
 * count and every tally column's sum are compared on both sides (a difference rolls it all back);
 * after it, the PostgreSQL store's recount must find no drift between its tallies and its log.
 * The command around it (arguments, output): db/copy-command.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { getTableColumns, getTableName, is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { TallyDrift } from '../src/lib/store';
import { LEGACY_SECRET_SETTING, loadVoterKeySecret, voterKeyFileFor } from '../src/lib/voter-secret';
import { sqlitePathFromUrl, type Db } from './client';
import { openDatabase, type OpenDatabase } from './open';
import type { PgDb, PgTx } from './pg/client';
import { openPostgres, type OpenPostgres } from './pg/open';
import { VOTER_KEY_CHECK_SETTING, voterKeyCheck } from './pg/shared-state';
import { inTransaction } from './pg/retry';
import * as pgSchema from './pg/schema';
import * as liteSchema from './schema';

/** Bad arguments: nothing was opened, nothing written (exit 2). */
export class CopyUsageError extends Error {}
/** The copy did not happen (a non-empty target, a failed check): nothing was written (exit 1). */
export class CopyRefused extends Error {}

/** One table copied as it is: same name, same columns on both sides. */
interface TablePlan {
  source: SQLiteTable;
  target: PgTable;
  /** JS keys of the tally columns whose sums must be equal on both sides. */
  tallies: string[];
  /** The `id` identity column whose sequence must move past the copied ids. */
  identity?: boolean;
}

/** Person locks: rows (poll, key) in SQLite, one sorted array per poll in PostgreSQL. */
interface LockSetPlan {
  source: SQLiteTable;
  sourceOwner: string;
  target: PgTable;
  targetOwner: string;
}

/** Every table of db/schema.ts but the person locks, parents before children. */
export const TABLES: TablePlan[] = [
  { source: liteSchema.settings, target: pgSchema.settings, tallies: [] },
  { source: liteSchema.adminSessions, target: pgSchema.adminSessions, tallies: [] },
  { source: liteSchema.auditLog, target: pgSchema.auditLog, tallies: [], identity: true },
  {
    source: liteSchema.surveys,
    target: pgSchema.surveys,
    tallies: ['startedCount', 'finishedCount', 'duplicateCount'],
    identity: true,
  },
  {
    source: liteSchema.polls,
    target: pgSchema.polls,
    tallies: ['quarantinedCount', 'responseCount', 'duplicateCount'],
    identity: true,
  },
  { source: liteSchema.pollOptions, target: pgSchema.pollOptions, tallies: ['votes'], identity: true },
  { source: liteSchema.quarantines, target: pgSchema.quarantines, tallies: ['votes'], identity: true },
  { source: liteSchema.votes, target: pgSchema.votes, tallies: [], identity: true },
  { source: liteSchema.voteChoices, target: pgSchema.voteChoices, tallies: [] },
  { source: liteSchema.voteLocks, target: pgSchema.voteLocks, tallies: [] },
  { source: liteSchema.voteProfiles, target: pgSchema.voteProfiles, tallies: [] },
  { source: liteSchema.voteRankings, target: pgSchema.voteRankings, tallies: [] },
  { source: liteSchema.otherAnswers, target: pgSchema.otherAnswers, tallies: [] },
  { source: liteSchema.prefixHourTallies, target: pgSchema.prefixHourTallies, tallies: ['votes', 'refused'] },
  { source: liteSchema.segmentTallies, target: pgSchema.segmentTallies, tallies: ['responses'] },
  { source: liteSchema.segmentOptionTallies, target: pgSchema.segmentOptionTallies, tallies: ['votes'] },
  { source: liteSchema.segmentPairTallies, target: pgSchema.segmentPairTallies, tallies: ['responses'] },
  { source: liteSchema.segmentPairOptionTallies, target: pgSchema.segmentPairOptionTallies, tallies: ['votes'] },
  { source: liteSchema.periodTallies, target: pgSchema.periodTallies, tallies: ['responses'] },
  { source: liteSchema.periodOptionTallies, target: pgSchema.periodOptionTallies, tallies: ['votes'] },
  { source: liteSchema.rankingTallies, target: pgSchema.rankingTallies, tallies: ['ballots'] },
  { source: liteSchema.surveyResponses, target: pgSchema.surveyResponses, tallies: [], identity: true },
  { source: liteSchema.surveyAnswers, target: pgSchema.surveyAnswers, tallies: [] },
  { source: liteSchema.surveyLocks, target: pgSchema.surveyLocks, tallies: [] },
  { source: liteSchema.surveyPageTallies, target: pgSchema.surveyPageTallies, tallies: ['reached', 'completed'] },
  { source: liteSchema.surveyDayTallies, target: pgSchema.surveyDayTallies, tallies: ['started', 'finished'] },
  { source: liteSchema.surveyPairTallies, target: pgSchema.surveyPairTallies, tallies: ['responses'] },
  { source: liteSchema.surveyPairOptionTallies, target: pgSchema.surveyPairOptionTallies, tallies: ['votes'] },
];

export const LOCK_SETS: LockSetPlan[] = [
  {
    source: liteSchema.personLocks,
    sourceOwner: 'pollId',
    target: pgSchema.personLockSets,
    targetOwner: 'pollId',
  },
  {
    source: liteSchema.surveyPersonLocks,
    sourceOwner: 'surveyId',
    target: pgSchema.surveyPersonLockSets,
    targetOwner: 'surveyId',
  },
];

/** PostgreSQL's tables no SQLite site has: the state several instances share (empty after a copy). */
export const POSTGRES_ONLY = [pgSchema.sharedRateBuckets, pgSchema.sharedLoginAttempts];

export const sqliteTables = () =>
  (Object.values(liteSchema) as unknown[]).filter((v): v is SQLiteTable => is(v, SQLiteTable));
export const postgresTables = () => (Object.values(pgSchema) as unknown[]).filter((v): v is PgTable => is(v, PgTable));

/** Rows per read and per INSERT (well under PostgreSQL's 65,535 bound parameters a statement). */
const BATCH_PARAMETERS = 30_000;
const MAX_BATCH_ROWS = 2_000;

export interface CopyArguments {
  from: string;
  to: string;
}

/** A URL as it may be printed: no password. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//…@');
  }
}

export interface TableCount {
  /** The SQLite table (and, where it differs, the PostgreSQL one it went to). */
  table: string;
  source: number;
  target: number;
}

export interface TallySum {
  column: string;
  source: number;
  target: number;
}

export interface CopyReport {
  /** Migrations the source was brought forward by before the copy. */
  sourceMigrations: number;
  counts: TableCount[];
  sums: TallySum[];
  /** What the PostgreSQL store's recount found (empty: its tallies match its vote log); null: it failed. */
  drift: TallyDrift[] | null;
  /** Why the recount could not run (the copy is committed all the same). */
  recountError: string | null;
  /** The file whose content VOTER_KEY_SECRET must be set to. */
  voterKeyFile: string;
  voterKeyFileExists: boolean;
  /** Whether the source still held the secret in its settings and it was moved to voterKeyFile. */
  movedLegacySecret: boolean;
  /** Whose voter-key check the target now holds (settings 'voter_key_check'); null: no secret was found. */
  secretCheckFrom: SecretSource | null;
  /** Why the legacy secret could not be moved to its file (the copy is committed all the same). */
  legacySecretError: string | null;
}

type Row = Record<string, unknown>;

const columnKeys = (table: SQLiteTable | PgTable) => Object.keys(getTableColumns(table)).sort();

/** The plan covers every table of both schemas, column for column (a schema change must come here too). */
export function checkPlan(): void {
  const planned = new Set<SQLiteTable>([...TABLES.map((t) => t.source), ...LOCK_SETS.map((t) => t.source)]);
  const missing = sqliteTables().filter((table) => !planned.has(table));
  if (missing.length > 0) throw new Error(`db:copy has no plan for ${missing.map(getTableName).join(', ')}`);
  const targets = new Set<PgTable>([
    ...TABLES.map((t) => t.target),
    ...LOCK_SETS.map((t) => t.target),
    ...POSTGRES_ONLY,
  ]);
  const unplanned = postgresTables().filter((table) => !targets.has(table));
  if (unplanned.length > 0) throw new Error(`db:copy has no plan for ${unplanned.map(getTableName).join(', ')}`);
  const copied = new Set<PgTable>();
  for (const { source, target, tallies } of TABLES) {
    // Parents first: every table a foreign key points to is copied before (or is this one).
    for (const fk of getTableConfig(target).foreignKeys) {
      const parent = fk.reference().foreignTable;
      if (parent !== target && !copied.has(parent)) {
        throw new Error(
          `db:copy: ${getTableName(target)} is copied before ${getTableName(parent)}, which it references`,
        );
      }
    }
    copied.add(target);
    const [a, b] = [columnKeys(source), columnKeys(target)];
    if (getTableName(source) !== getTableName(target) || a.join() !== b.join()) {
      throw new Error(`db:copy: ${getTableName(source)} differs between the schemas (${a.join()} / ${b.join()})`);
    }
    for (const column of tallies) {
      if (!a.includes(column)) throw new Error(`db:copy: ${getTableName(source)} has no column ${column}`);
    }
  }
}

/** How many migrations the SQLite file has recorded (0 for a file the app never opened). */
function appliedMigrations(path: string): number {
  const file = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const table = file
      .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
      .get();
    if (!table) return 0;
    return (file.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
  } finally {
    file.close();
  }
}

const batchRows = (table: SQLiteTable) =>
  Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(BATCH_PARAMETERS / Object.keys(getTableColumns(table)).length)));

/** The table's rows in rowid order, a batch at a time (keyset: each read is one index range). */
function* readBatches(lite: Db, table: SQLiteTable): Generator<Row[]> {
  const limit = batchRows(table);
  const columns = getTableColumns(table);
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const rows = lite
      .select({ ...columns, copyRowid: sql<number>`rowid` })
      .from(table)
      .where(sql`rowid > ${after}`)
      .orderBy(sql`rowid`)
      .limit(limit)
      .all() as Row[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.copyRowid as number;
    yield rows.map(({ copyRowid: _rowid, ...row }) => row);
    if (rows.length < limit) return;
  }
}

const countOf = (lite: Db, table: SQLiteTable, where = sql`1 = 1`) =>
  Number((lite.get(sql`select count(*) as n from ${table} where ${where}`) as { n: number }).n);

async function pgValue(tx: PgTx, query: ReturnType<typeof sql>): Promise<number> {
  const { rows } = await tx.execute(query);
  return Number((rows[0] as { n: unknown } | undefined)?.n ?? 0);
}

/** Settings that stay behind: the legacy secret, and a voter-key check (PostgreSQL's own, written below). */
const LEFT_OUT_SETTINGS = [LEGACY_SECRET_SETTING, VOTER_KEY_CHECK_SETTING];
const copiedSetting = sql`${liteSchema.settings.key} not in (${sql.join(
  LEFT_OUT_SETTINGS.map((key) => sql`${key}`),
  sql`, `,
)})`;

/** Rows (counted up to OCCUPIED_CAP) in each PostgreSQL table that holds any. */
async function occupiedTables(tx: PgTx): Promise<{ table: string; rows: number }[]> {
  const found: { table: string; rows: number }[] = [];
  for (const table of postgresTables()) {
    const rows = await pgValue(tx, sql`select count(*) as n from (select 1 from ${table} limit ${OCCUPIED_CAP}) s`);
    if (rows > 0) found.push({ table: getTableName(table), rows });
  }
  return found;
}

const OCCUPIED_CAP = 1000;
const rowsText = (rows: number) =>
  rows >= OCCUPIED_CAP ? `${OCCUPIED_CAP}+ rows` : `${rows} ${rows === 1 ? 'row' : 'rows'}`;

interface Verified {
  counts: TableCount[];
  sums: TallySum[];
}

/** Throws CopyRefused when any table of the target holds a row. */
async function refuseOccupied(tx: PgTx): Promise<void> {
  const occupied = await occupiedTables(tx);
  if (occupied.length > 0) {
    const list = occupied.map((o) => `${o.table} (${rowsText(o.rows)})`).join(', ');
    throw new CopyRefused(
      `The target database is not empty: ${list}. db:copy only copies into an empty database ` +
        '(a new one, migrated or not); it never merges. Nothing was written.',
    );
  }
}

/** Copies everything inside `tx` and checks it; throws (rolling back) on any difference. */
async function copyInto(lite: Db, tx: PgTx, voterKeyCheck: string | null, now: number): Promise<Verified> {
  // Other writers wait until the copy commits (readers see the empty tables until then), so the
  // emptiness checked here still holds when the rows go in.
  await tx.execute(sql`lock table ${sql.join(postgresTables(), sql`, `)} in exclusive mode`);
  await refuseOccupied(tx);

  for (const { source, target } of TABLES) {
    const settings = source === liteSchema.settings;
    for (const batch of readBatches(lite, source)) {
      const rows = settings ? batch.filter((row) => !LEFT_OUT_SETTINGS.includes(row.key as string)) : batch;
      if (rows.length > 0) await tx.insert(target).values(rows as never);
    }
    // What verifyVoterKeySecret (db/pg/shared-state.ts) compares at every start: an instance started
    // with another VOTER_KEY_SECRET than the site's refuses to run, instead of re-keying every voter.
    if (settings && voterKeyCheck !== null) {
      await tx.insert(pgSchema.settings).values({ key: VOTER_KEY_CHECK_SETTING, value: voterKeyCheck, createdAt: now });
    }
    if (source === liteSchema.votes) await copyLockSet(lite, tx, LOCK_SETS[0]!);
  }
  await copyLockSet(lite, tx, LOCK_SETS[1]!);

  // Identity columns continue after the copied ids, and after ids SQLite handed out and then
  // deleted (AUTOINCREMENT never reuses them, so neither does PostgreSQL).
  const used = new Map(
    (
      lite.all(sql`select name, seq from sqlite_sequence`) as {
        name: string;
        seq: number;
      }[]
    ).map((r) => [r.name, Number(r.seq)]),
  );
  for (const { target, identity } of TABLES) {
    if (!identity) continue;
    const name = getTableName(target);
    const next = (used.get(name) ?? 0) + 1;
    await tx.execute(
      sql`select setval(pg_get_serial_sequence(${name}, 'id'), greatest(${next}::bigint, (select coalesce(max(id), 0) + 1 from ${target})), false)`,
    );
  }

  return verify(lite, tx);
}

/** One sorted array of lock keys per poll (survey): PostgreSQL's collation orders it, as the store's own upsert does. */
async function copyLockSet(lite: Db, tx: PgTx, plan: LockSetPlan): Promise<void> {
  const columns = getTableColumns(plan.source);
  const owner = columns[plan.sourceOwner]!;
  const key = columns.lockKey!;
  const owners = (
    lite.all(sql`select distinct ${owner} as owner from ${plan.source} order by 1`) as { owner: number }[]
  ).map((r) => r.owner);
  let pending: Row[] = [];
  let pendingKeys = 0;
  const flush = async () => {
    if (pending.length > 0) await tx.insert(plan.target).values(pending as never);
    pending = [];
    pendingKeys = 0;
  };
  for (const id of owners) {
    const keys = (
      lite.all(sql`select ${key} as k from ${plan.source} where ${owner} = ${id} order by 1`) as { k: string }[]
    ).map((r) => r.k);
    pending.push({ [plan.targetOwner]: id, lockKeys: keys });
    pendingKeys += keys.length;
    if (pendingKeys >= 10_000) await flush();
  }
  await flush();
  const lockKeys = getTableColumns(plan.target).lockKeys!;
  await tx.execute(
    sql`update ${plan.target} set ${sql.identifier(lockKeys.name)} = (select array_agg(k order by k) from unnest(${lockKeys}) k)`,
  );
}

async function verify(lite: Db, tx: PgTx): Promise<Verified> {
  const counts: TableCount[] = [];
  const sums: TallySum[] = [];
  for (const { source, target, tallies } of TABLES) {
    const table = getTableName(source);
    counts.push({
      table,
      source: countOf(lite, source, source === liteSchema.settings ? copiedSetting : undefined),
      target: await pgValue(
        tx,
        target === pgSchema.settings
          ? sql`select count(*) as n from ${target} where ${pgSchema.settings.key} <> ${VOTER_KEY_CHECK_SETTING}`
          : sql`select count(*) as n from ${target}`,
      ),
    });
    const sourceColumns = getTableColumns(source);
    const targetColumns = getTableColumns(target);
    for (const column of tallies) {
      const [a, b] = [sourceColumns[column]!, targetColumns[column]!];
      sums.push({
        column: `${table}.${a.name}`,
        source: Number((lite.get(sql`select coalesce(sum(${a}), 0) as n from ${source}`) as { n: number }).n),
        target: await pgValue(tx, sql`select coalesce(sum(${b}), 0) as n from ${target}`),
      });
    }
  }
  for (const plan of LOCK_SETS) {
    const owner = getTableColumns(plan.source)[plan.sourceOwner]!;
    const sets = `${getTableName(plan.source)} → ${getTableName(plan.target)}`;
    counts.push({
      table: `${sets} (locks)`,
      source: countOf(lite, plan.source),
      target: await pgValue(
        tx,
        sql`select coalesce(sum(cardinality(${getTableColumns(plan.target).lockKeys!})), 0) as n from ${plan.target}`,
      ),
    });
    counts.push({
      table: `${sets} (sets)`,
      source: Number((lite.get(sql`select count(distinct ${owner}) as n from ${plan.source}`) as { n: number }).n),
      target: await pgValue(tx, sql`select count(*) as n from ${plan.target}`),
    });
  }
  const differ = [
    ...counts
      .filter((c) => c.source !== c.target)
      .map((c) => `${c.table}: ${c.source} rows in SQLite, ${c.target} in PostgreSQL`),
    ...sums
      .filter((s) => s.source !== s.target)
      .map((s) => `sum of ${s.column}: ${s.source} in SQLite, ${s.target} in PostgreSQL`),
  ];
  if (differ.length > 0) {
    throw new CopyRefused(
      `The copy does not match its source, so it was rolled back (nothing was written):\n  ${differ.join('\n  ')}`,
    );
  }
  return { counts, sums };
}

export interface CopyOptions extends CopyArguments {
  log?: (line: string) => void;
  /** VOTER_KEY_SECRET as set for the copy: the SQLite site's secret when it ran with one (it wins over the file, as on the site). */
  voterKeySecret?: string | null;
}

/** Where the SQLite site's voter-key secret was found (as loadVoterKeySecret resolves it), if anywhere. */
export type SecretSource = 'VOTER_KEY_SECRET' | 'file' | 'legacy setting';

function siteSecret(
  configured: string | null,
  file: string,
  legacy: string | null,
): { secret: string; from: SecretSource } | null {
  if (configured) return { secret: configured, from: 'VOTER_KEY_SECRET' };
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length > 0) return { secret, from: 'file' };
  }
  if (legacy) return { secret: legacy, from: 'legacy setting' };
  return null;
}

/** Runs the whole copy; throws CopyUsageError / CopyRefused / anything unexpected. */
export async function copyDatabase({
  from,
  to,
  log = () => {},
  voterKeySecret = null,
}: CopyOptions): Promise<CopyReport> {
  checkPlan();
  const path = sqlitePathFromUrl(from);
  // openDatabase would create a missing file: an empty copy is never what was meant.
  if (!existsSync(path)) throw new CopyUsageError(`The source file ${path} does not exist.`);
  let source: OpenDatabase | undefined;
  let target: OpenPostgres | undefined;
  try {
    // The target first: an unreachable or non-empty one leaves the source as it was (not migrated).
    target = await openPostgres(to, { poolSize: 2 });
    await inTransaction(target.db, (tx) => refuseOccupied(tx), { accessMode: 'read only' });
    const before = appliedMigrations(path);
    source = openDatabase(from);
    const sourceMigrations = appliedMigrations(path) - before;
    log(
      `Source: ${path} (SQLite), ` +
        (sourceMigrations > 0
          ? `migrated to the newest schema first (${sourceMigrations} ${sourceMigrations === 1 ? 'migration' : 'migrations'} applied).`
          : 'already at the newest schema.'),
    );
    log(`Target: ${redact(to)} (PostgreSQL), migrated to the newest schema, empty.`);

    const lite = source.db;
    const voterKeyFile = voterKeyFileFor(path);
    const secret = siteSecret(voterKeySecret, voterKeyFile, await source.store.readSetting(LEGACY_SECRET_SETTING));
    const check = secret === null ? null : voterKeyCheck(secret.secret);
    const verified = await readSnapshot(lite, () =>
      inTransaction(target!.db as PgDb, (tx) => copyInto(lite, tx, check, Date.now())),
    );
    log('Copied in one transaction, committed; row counts and tally sums are equal on both sides.');

    let drift: TallyDrift[] | null = null;
    let recountError: string | null = null;
    try {
      drift = await target.store.recount(false);
    } catch (error) {
      recountError = error instanceof Error ? error.message : String(error);
    }
    let legacy: string | null = null;
    let legacySecretError: string | null = null;
    try {
      legacy = await source.store.readSetting(LEGACY_SECRET_SETTING);
      // As the SQLite site does on start: into the file beside the database (unless one exists), out of the database.
      if (legacy !== null) await loadVoterKeySecret(source.store, { configured: legacy, file: voterKeyFile });
    } catch (error) {
      legacySecretError = error instanceof Error ? error.message : String(error);
    }
    return {
      sourceMigrations,
      ...verified,
      drift,
      recountError,
      voterKeyFile,
      voterKeyFileExists: existsSync(voterKeyFile),
      secretCheckFrom: secret?.from ?? null,
      movedLegacySecret: legacy !== null && legacySecretError === null,
      legacySecretError,
    };
  } finally {
    await target?.close().catch(() => {});
    source?.close();
  }
}

/** Runs `work` on one read snapshot of the SQLite file (a deferred read transaction). */
async function readSnapshot<T>(lite: Db, work: () => Promise<T>): Promise<T> {
  lite.$client.exec('begin');
  try {
    return await work();
  } finally {
    lite.$client.exec('rollback');
  }
}
