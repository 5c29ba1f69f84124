/**
 * `npm run db:copy`: a real SQLite site (the demo seed with its survey, a person poll and a person
 * survey, a quarantined burst, write-ins, ranked ballots, a deleted poll, the legacy secret) copied
 * into a real PostgreSQL database — every row count and tally sum equal, the PostgreSQL stores read
 * the same results, the recount finds no drift; a non-empty target is refused with nothing changed;
 * bad arguments change nothing (the script spawned through tsx). In the `postgres` project alone
 * (PEER_POLLS_TEST_POSTGRES names a cluster: scripts/pg-cluster.sh); each target is a new database
 * of its own, which db:copy migrates.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPlan, copyDatabase, CopyRefused, type CopyReport } from '../../db/copy';
import { runDbCopy } from '../../db/copy-command';
import { createDb } from '../../db/client';
import { findMigrationsFolder, migrateDb } from '../../db/migrate';
import { openDatabase, type OpenDatabase } from '../../db/open';
import { createPgDb } from '../../db/pg/client';
import { openPostgres, type OpenPostgres } from '../../db/pg/open';
import { verifyVoterKeySecret, voterKeyCheck } from '../../db/pg/shared-state';
import { seedDemo } from '../../db/seed';
import { createPoll, deletePoll } from '@/lib/poll-admin';
import type { ProfileDimension } from '@/lib/profile';
import { castVote } from '@/lib/votes';
import { newDeviceId, personKeyFor } from '@/lib/voter';
import { HOUR_MS, T0, quarantinePolls, record } from '../support/quarantine';
import { QUESTIONS, submission, surveyFields } from '../support/survey-store';
import { testPostgresUrl } from '../support/postgres';
import { tempDir } from '../support/temp-db';

const SECRET = 'db-copy-test-secret-db-copy-test-secret';
const LEGACY_SECRET = 'legacy-voter-key-secret-from-before-0.2-xxxxxxxx';
const NOW = Date.parse('2026-06-10T12:00:00Z');
const ROOT = new URL('../../', import.meta.url).pathname;
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const PG = testPostgresUrl();

/** Runs scripts/db-copy.ts through tsx, as `npm run db:copy` does. */
function runScript(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['scripts/db-copy.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, VOTER_KEY_SECRET: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** An empty PostgreSQL database of its own (not migrated: db:copy migrates it). */
async function emptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `pp_copy_${randomBytes(5).toString('hex')}`;
  const admin = async (query: string) => {
    const client = new pg.Client({ connectionString: PG! });
    await client.connect();
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(PG!);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

async function query<T = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Every public table's row count: equal before and after means nothing was written. */
async function tableCounts(url: string): Promise<Record<string, number>> {
  const tables = await query<{ name: string }>(
    url,
    "select tablename as name from pg_tables where schemaname = 'public' order by 1",
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    counts[name] = Number((await query<{ n: string }>(url, `select count(*) as n from "${name}"`))[0]!.n);
  }
  return counts;
}

/** A SQLite site with every kind of row the copy has to carry. */
async function buildSource(dir: string): Promise<{ url: string; personKeys: string[]; surveyPersonKeys: string[] }> {
  const url = `file:${join(dir, 'site.db')}`;
  const site = openDatabase(url);
  try {
    const ctx = { store: site.store, surveyStore: site.surveyStore, secret: SECRET, now: NOW };
    expect(await seedDemo(site.store, NOW, site.surveyStore)).toBe(true);

    // A deleted poll: PostgreSQL's ids must continue after it, as SQLite's AUTOINCREMENT does.
    const gone = await createPoll(site.store, { slug: 'gone', question: 'Gone?', options: ['A', 'B'] }, NOW);
    await castVote(
      ctx,
      gone.slug,
      { choices: ['a'] },
      { deviceId: newDeviceId(), address: '192.0.2.1', userAgent: 'x' },
      'api',
    );

    // A person poll: locks in person_locks, one per person.
    const person = await createPoll(
      site.store,
      { slug: 'person', question: 'Who?', options: ['A', 'B'], duplicatePolicy: 'person', profile: ['role'] },
      NOW,
    );
    const people = ['carol@corp.example', 'alice@corp.example', 'bob@corp.example', 'dave@corp.example'];
    for (const [i, personId] of people.entries()) {
      await castVote(
        ctx,
        person.slug,
        { choices: [i % 2 ? 'a' : 'b'], profile: { role: 'manager' } },
        { deviceId: newDeviceId(), address: '192.0.2.10', userAgent: 'vitest', personId },
        'web',
      );
    }
    // A device poll with a duplicate refused (vote_locks, duplicate_count).
    const device = await createPoll(site.store, { slug: 'device', question: 'D?', options: ['A', 'B'] }, NOW);
    const browser = { deviceId: newDeviceId(), address: '192.0.2.20', userAgent: 'vitest' };
    await castVote(ctx, device.slug, { choices: ['a'] }, browser, 'web');
    await expect(castVote(ctx, device.slug, { choices: ['b'] }, browser, 'web')).rejects.toThrow();

    // Write-ins, rankings, prefix-hour tallies and a quarantined burst.
    const { multiple, ranked } = await quarantinePolls(site.store);
    for (let i = 0; i < 12; i++) {
      await record(site.store, multiple, {
        picks: i % 4 === 0 ? [1, 3] : [i % 3],
        profile: { role: ['manager', 'individual'][i % 2]!, ...(i % 3 ? { industry: 'software' } : {}) },
        other: i % 4 === 0 ? `Idea ${i % 2}` : undefined,
        prefixKey: `digest-${i % 3}`,
        at: T0 + i * 30 * 60_000,
      });
      await record(site.store, ranked, {
        picks: [i % 3, (i + 1) % 3],
        prefixKey: `digest-${i % 3}`,
        at: T0 + i * 60_000,
      });
    }
    const burstAt = T0 + 10 * HOUR_MS;
    for (let i = 0; i < 6; i++) {
      await record(site.store, multiple, {
        picks: [2, 3],
        profile: { role: 'manager' },
        other: 'Stuffed',
        prefixKey: 'digest-burst',
        at: burstAt + i * 60_000,
      });
    }
    const audit = { actor: 'session:test', action: 'quarantine', details: 'burst' };
    const held = await site.store.quarantineBurst(multiple.id, 'digest-burst', burstAt, burstAt + HOUR_MS, NOW, audit);
    expect(held.outcome).toBe('done');

    // A person survey: its locks in survey_person_locks.
    const created = await site.surveyStore.createSurvey(
      surveyFields({ slug: 'people', duplicatePolicy: 'person' }),
      QUESTIONS.map((q) => ({ ...q, fields: { ...q.fields, slug: `people-${q.fields.slug}` } })),
      NOW - DAY,
    );
    if (!('id' in created)) throw new Error('survey not created');
    const surveyPersonKeys = ['p:zeta', 'p:Alpha', 'p:beta', 'p:-dash', 'p:_under'];
    for (const [i, lock] of surveyPersonKeys.entries()) {
      const outcome = await site.surveyStore.recordSubmission(
        submission(created, {
          pages: [0],
          answers: [
            { slug: 'people-team-1', keys: [i % 2 ? 'a' : 'other'], ...(i % 2 ? {} : { other: `Write-in ${i}` }) },
            { slug: 'people-team-2', keys: ['x', 'z'] },
          ],
          profile: { role: 'manager' },
          at: NOW - HOUR_MS,
          lockKeys: [lock],
        }),
      );
      expect(outcome.outcome).toBe('recorded');
    }

    // An admin session, a kept setting and the secret where versions before 0.2 kept it.
    await site.adminStore.createSession('token-hash', NOW, NOW + DAY);
    site.db.$client.prepare("insert into settings (key, value) values ('voter_key_secret', ?)").run(LEGACY_SECRET);
    site.db.$client.prepare("insert into settings (key, value) values ('site_embed_origins', '[]')").run();
    await deletePoll(site.store, gone.slug, NOW);

    const personKeys = people.map((id) => `p:${personKeyFor(SECRET, person.id, id)}`);
    return { url, personKeys, surveyPersonKeys };
  } finally {
    site.close();
  }
}

const DAY = 24 * HOUR_MS;

describe('db:copy arguments', () => {
  let dir: string;
  let source: string;
  beforeAll(() => {
    dir = tempDir('peer-polls-copy-args-');
    // An empty file: opening it as the source would migrate it (and change it).
    source = join(dir, 'untouched.db');
    writeFileSync(source, '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string[], string][] = [
    [[], '--from is missing'],
    [['--from', 'file:SOURCE'], '--to is missing'],
    [['--from'], '--from needs a value'],
    [['--from', 'file:SOURCE', '--to', 'postgres://u@127.0.0.1:1/x', '--force'], 'Unknown option --force'],
    [['--from', 'file:SOURCE', '--to', 'postgres://u@127.0.0.1:1/x', 'extra'], 'Unexpected argument'],
    [['--from', 'SOURCE', '--to', 'postgres://u@127.0.0.1:1/x'], '--from must name a SQLite file as file:path'],
    [['--from', 'file:SOURCE', '--to', 'file:./other.db'], '--to must be a postgres:// or postgresql:// URL'],
    [['--from', 'file:SOURCE', '--to', 'mysql://u@127.0.0.1/x'], '--to must be a postgres:// or postgresql:// URL'],
    [['--from', 'file:DIR', '--to', 'postgres://u@127.0.0.1:1/x'], 'is not a file'],
    [['--from', 'file:SOURCE', '--from', 'file:SOURCE', '--to', 'postgres://u@127.0.0.1:1/x'], '--from is given twice'],
  ];
  const argsOf = (args: string[]) => args.map((a) => a.replace('SOURCE', source).replace('DIR', dir));

  it.each(cases)('%j: exit 2, a clear message, the source untouched', async (args, message) => {
    const before = sha256(source);
    const out: string[] = [];
    const code = await runDbCopy(argsOf(args), { log: (l) => out.push(l), error: (l) => out.push(l) });
    expect(code).toBe(2);
    expect(out.join('\n')).toContain(message);
    expect(out.join('\n')).toContain('Nothing was written');
    expect(out.join('\n')).toContain('Usage: npm run db:copy');
    expect(sha256(source)).toBe(before);
    expect(readdirSync(dir)).toEqual(['untouched.db']);
  });

  // The script itself (spawned through tsx, as npm runs it): the exit code and stderr reach the shell.
  it.each([cases[0]!, cases[3]!, cases[5]!, cases[7]!])('the script: %j exits 2', async (args, message) => {
    const before = sha256(source);
    const { code, stdout, stderr } = await runScript(argsOf(args));
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: npm run db:copy');
    expect(sha256(source)).toBe(before);
    expect(readdirSync(dir)).toEqual(['untouched.db']);
  });

  it('a missing source file: exit 2, and no file is created', async () => {
    const missing = join(dir, 'missing.db');
    const { code, stderr } = await runScript(['--from', `file:${missing}`, '--to', 'postgres://u@127.0.0.1:1/x']);
    expect(code).toBe(2);
    expect(stderr).toContain(`The source file ${missing} does not exist`);
    expect(existsSync(missing)).toBe(false);
  });

  it('plans every table of both schemas, column for column, parents before children', () => {
    expect(() => checkPlan()).not.toThrow();
  });

  it('--help prints the usage', async () => {
    const lines: string[] = [];
    expect(await runDbCopy(['--help'], { log: (l) => lines.push(l), error: (l) => lines.push(l) })).toBe(0);
    expect(lines.join('\n')).toContain('--from file:');
  });
});

describe('db:copy into PostgreSQL', () => {
  let dir: string;
  let sourceUrl: string;
  let personKeys: string[];
  let surveyPersonKeys: string[];
  let target: { url: string; drop(): Promise<void> };
  let report: CopyReport;
  let lines: string[];
  const dropped: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    dir = tempDir('peer-polls-copy-');
    ({ url: sourceUrl, personKeys, surveyPersonKeys } = await buildSource(dir));
    target = await emptyDatabase();
    dropped.push(target.drop);
    lines = [];
    report = await copyDatabase({ from: sourceUrl, to: target.url, log: (line) => lines.push(line) });
  });
  afterAll(async () => {
    for (const drop of dropped) await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table: row counts equal, tally sums equal, the legacy secret left out', async () => {
    expect(lines[0]).toMatch(/^Source: .*site\.db \(SQLite\), already at the newest schema\.$/);
    const mismatched = report.counts.filter((c) => c.source !== c.target);
    expect(mismatched).toEqual([]);
    expect(report.sums.filter((s) => s.source !== s.target)).toEqual([]);
    const count = (table: string) => report.counts.find((c) => c.table === table)!;
    expect(count('votes').target).toBeGreaterThan(1500);
    expect(count('quarantines').target).toBe(1);
    expect(count('other_answers').target).toBeGreaterThan(3);
    expect(count('vote_rankings').target).toBeGreaterThan(400);
    expect(count('survey_responses').target).toBe(250 + 5);
    expect(count('settings')).toEqual({ table: 'settings', source: 1, target: 1 });
    expect(count('person_locks → person_lock_sets (locks)')).toMatchObject({ source: 4, target: 4 });
    expect(count('survey_person_locks → survey_person_lock_sets (locks)')).toMatchObject({ source: 5, target: 5 });
    expect(report.sums.map((s) => s.column)).toEqual(
      expect.arrayContaining(['poll_options.votes', 'polls.response_count', 'surveys.started_count']),
    );
    expect(report.sums.find((s) => s.column === 'polls.quarantined_count')!.target).toBe(6);
    // The legacy secret stays behind; a check of it (the site's secret: no file, no VOTER_KEY_SECRET) comes instead.
    expect(await query(target.url, 'select key, value from settings order by key')).toEqual([
      { key: 'site_embed_origins', value: '[]' },
      { key: 'voter_key_check', value: voterKeyCheck(LEGACY_SECRET) },
    ]);
    expect(report.secretCheckFrom).toBe('legacy setting');
    const db = createPgDb(target.url, { max: 1 });
    try {
      await expect(verifyVoterKeySecret(db, LEGACY_SECRET)).resolves.toBeUndefined();
      await expect(verifyVoterKeySecret(db, 'another-secret-another-secret-another')).rejects.toThrow(
        /VOTER_KEY_SECRET/,
      );
    } finally {
      await db.$client.end();
    }
    // The legacy secret was moved out of the source, into the file beside it, as the site does.
    expect(report.movedLegacySecret).toBe(true);
    expect(readFileSync(`${join(dir, 'site.db')}.voter-key`, 'utf8').trim()).toBe(LEGACY_SECRET);
    const site = openDatabase(sourceUrl);
    try {
      expect(await site.store.readSetting('voter_key_secret')).toBeNull();
    } finally {
      site.close();
    }
  });

  it('keeps the person locks as one sorted array per poll and per survey', async () => {
    const polls = await query<{ lock_keys: string[] }>(target.url, 'select lock_keys from person_lock_sets');
    expect(polls).toHaveLength(1);
    expect(polls[0]!.lock_keys).toEqual([...personKeys].sort());
    const surveys = await query<{ sorted: boolean; lock_keys: string[] }>(
      target.url,
      'select lock_keys, lock_keys = (select array_agg(k order by k) from unnest(lock_keys) k) as sorted from survey_person_lock_sets',
    );
    expect(surveys).toHaveLength(1);
    expect(surveys[0]!.sorted).toBe(true);
    expect([...surveys[0]!.lock_keys].sort()).toEqual([...surveyPersonKeys].sort());
  });

  it('moves the identity sequences past the copied ids, and past deleted ones', async () => {
    const site = createDb(sourceUrl);
    const used = site.$client.prepare("select seq from sqlite_sequence where name = 'polls'").get() as { seq: number };
    site.$client.close();
    const [next] = await query<{ id: number; max: number }>(
      target.url,
      "select nextval(pg_get_serial_sequence('polls', 'id'))::int as id, (select max(id) from polls) as max",
    );
    expect(next!.id).toBe(used.seq + 1);
    expect(next!.id).toBeGreaterThan(next!.max);
    for (const table of ['poll_options', 'votes', 'quarantines', 'audit_log', 'surveys', 'survey_responses']) {
      const [row] = await query<{ next: number; max: number | null }>(
        target.url,
        `select nextval(pg_get_serial_sequence('${table}', 'id'))::int as next, (select max(id) from ${table}) as max`,
      );
      expect(row!.next, table).toBeGreaterThan(row!.max ?? 0);
    }
  });

  it('finds no drift in the PostgreSQL recount', () => {
    expect(report.recountError).toBeNull();
    expect(report.drift).toEqual([]);
  });

  it('reads the same results through the PostgreSQL stores', async () => {
    const site = openDatabase(sourceUrl);
    const copy = await openPostgres(target.url, { poolSize: 2 });
    try {
      await sameResults(site, copy, personKeys);
    } finally {
      site.close();
      await copy.close();
    }
  });

  it('refuses a target that is not empty, and changes nothing', async () => {
    const before = await tableCounts(target.url);
    const out: string[] = [];
    const code = await runDbCopy(['--from', sourceUrl, '--to', target.url], {
      log: (l) => out.push(l),
      error: (l) => out.push(l),
    });
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/The target database is not empty: .*polls \(\d+ rows\).*Nothing was written\./s);
    expect(await tableCounts(target.url)).toEqual(before);

    // One row anywhere is enough: a fresh database with a single setting.
    const other = await emptyDatabase();
    dropped.push(other.drop);
    const opened = await openPostgres(other.url, { poolSize: 1 });
    await opened.db.$client.query("insert into settings (key, value) values ('storage_probe', 'x')");
    await opened.close();
    const counts = await tableCounts(other.url);
    await expect(copyDatabase({ from: sourceUrl, to: other.url })).rejects.toThrow(CopyRefused);
    await expect(copyDatabase({ from: sourceUrl, to: other.url })).rejects.toThrow(/settings \(1 row\)/);
    expect(await tableCounts(other.url)).toEqual(counts);

    // Refused before the source is opened: an older source is not even migrated.
    const { old } = oldSource(join(dir, 'refused'));
    const file = join(old, 'old.db');
    const bytes = sha256(file);
    await expect(copyDatabase({ from: `file:${file}`, to: other.url })).rejects.toThrow(CopyRefused);
    expect(sha256(file)).toBe(bytes);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('an unreachable target: exit 1, nothing written, the source not even migrated', async () => {
    const { old } = oldSource(join(dir, 'unreachable'));
    const file = join(old, 'old.db');
    const bytes = sha256(file);
    const closed = new URL(PG!);
    closed.port = '1';
    closed.password = 'hunter2';
    const errors: string[] = [];
    const code = await runDbCopy(['--from', `file:${file}`, '--to', closed.toString()], {
      log: () => {},
      error: (l) => errors.push(l),
    });
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(/^The copy failed; nothing was written to the target: .*ECONNREFUSED/);
    expect(errors.join('\n')).not.toContain('hunter2');
    expect(sha256(file)).toBe(bytes);
  });

  it('migrates an older source first and says so; the person locks it moves come along', async () => {
    const { old, poll } = oldSource(join(dir, 'old'));

    const into = await emptyDatabase();
    dropped.push(into.drop);
    const secret = 'the-secret-the-sqlite-site-ran-with-0123456789';
    const { code, stdout, stderr } = await runScript(['--from', `file:${join(old, 'old.db')}`, '--to', into.url], {
      VOTER_KEY_SECRET: secret,
    });
    expect(stdout).toMatch(/old\.db \(SQLite\), migrated to the newest schema first \(1 migration applied\)\./);
    expect(stdout).toMatch(/^person_locks → person_lock_sets \(locks\) +1 +1$/m);
    expect(stdout).toMatch(/^vote_locks +0 +0$/m);
    expect(stdout).toContain('VOTER_KEY_SECRET');
    expect(stdout).toContain('the VOTER_KEY_SECRET this copy ran with');
    expect(await query(into.url, "select value from settings where key = 'voter_key_check'")).toEqual([
      { value: voterKeyCheck(secret) },
    ]);
    expect(await query(into.url, 'select poll_id, lock_keys from person_lock_sets')).toEqual([
      { poll_id: Number(poll), lock_keys: ['p:someone'] },
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('reports tallies that drifted from the vote log (exit 1), the copy committed', async () => {
    const drifted = `file:${join(dir, 'drifted.db')}`;
    const site = openDatabase(drifted);
    const ctx = { store: site.store, secret: SECRET, now: NOW };
    const poll = await createPoll(site.store, { slug: 'drift', question: 'D?', options: ['A', 'B'] }, NOW);
    await castVote(
      ctx,
      poll.slug,
      { choices: ['a'] },
      { deviceId: newDeviceId(), address: '192.0.2.1', userAgent: 'x' },
      'api',
    );
    site.db.$client.prepare("update poll_options set votes = 5 where key = 'a'").run();
    site.close();
    writeFileSync(`${join(dir, 'drifted.db')}.voter-key`, 'the-secret-in-the-file-0123456789abcdef\n', { mode: 0o600 });

    const into = await emptyDatabase();
    dropped.push(into.drop);
    const out: string[] = [];
    const errors: string[] = [];
    const code = await runDbCopy(
      ['--from', drifted, '--to', into.url],
      { log: (l) => out.push(l), error: (l) => errors.push(l) },
      {},
    );
    expect(code).toBe(1);
    expect(errors.join('\n')).toContain('(the copy is committed)');
    expect(errors.join('\n')).toMatch(/drift: .*a.* tally is 5, the vote log has 1/);
    expect(out.join('\n')).toContain(`the content of ${join(dir, 'drifted.db')}.voter-key`);
    expect(out.join('\n')).toContain('a check of that secret (from the file;');
    expect(await query(into.url, "select value from settings where key = 'voter_key_check'")).toEqual([
      { value: voterKeyCheck('the-secret-in-the-file-0123456789abcdef') },
    ]);
    expect(await query(into.url, "select votes from poll_options where key = 'a'")).toEqual([{ votes: 5 }]);
  });

  it('bad arguments write nothing to a valid target either', async () => {
    const into = await emptyDatabase();
    dropped.push(into.drop);
    const { code } = await runScript(['--from', sourceUrl, '--to', into.url, '--dry-run']);
    expect(code).toBe(2);
    expect(await tableCounts(into.url)).toEqual({});
  });
});

/** A SQLite file as release 0010 left it: a person poll whose lock is still in vote_locks (0011 moves it). */
function oldSource(old: string) {
  mkdirSync(old);
  const db = createDb(`file:${join(old, 'old.db')}`);
  migrateDb(db, migrationsUpTo('0010_address_budget_and_quarantine', join(old, 'migrations')));
  const sqlite = db.$client;
  const poll = sqlite
    .prepare(
      `insert into polls (slug, question, type, min_choices, max_choices, status, results_visibility,
          duplicate_policy, response_count, created_at, updated_at)
         values ('old', 'Q', 'single', 1, 1, 'open', 'always', 'person', 1, ?, ?)`,
    )
    .run(NOW, NOW).lastInsertRowid;
  const option = sqlite
    .prepare(`insert into poll_options (poll_id, key, label, position, votes) values (?, 'a', 'A', 0, 1)`)
    .run(poll).lastInsertRowid;
  const vote = sqlite
    .prepare(`insert into votes (poll_id, created_at, source) values (?, ?, 'web')`)
    .run(poll, NOW).lastInsertRowid;
  sqlite.prepare('insert into vote_choices (vote_id, option_id) values (?, ?)').run(vote, option);
  sqlite.prepare(`insert into vote_locks (poll_id, lock_key, vote_id) values (?, 'p:someone', ?)`).run(poll, vote);
  const day = Math.floor(NOW / DAY);
  sqlite.prepare('insert into period_tallies (poll_id, day, responses) values (?, ?, 1)').run(poll, day);
  sqlite
    .prepare('insert into period_option_tallies (poll_id, day, option_id, votes) values (?, ?, ?, 1)')
    .run(poll, day, option);
  sqlite.close();
  return { old, poll };
}

interface Journal {
  entries: { tag: string }[];
}

/** A migrations folder holding only the migrations up to and including `lastTag`. */
function migrationsUpTo(lastTag: string, into: string): string {
  const source = findMigrationsFolder();
  const journal = JSON.parse(readFileSync(join(source, 'meta', '_journal.json'), 'utf8')) as Journal;
  const keep = journal.entries.slice(0, journal.entries.findIndex((entry) => entry.tag === lastTag) + 1);
  if (keep.length === 0) throw new Error(`no migration ${lastTag}`);
  mkdirSync(join(into, 'meta'), { recursive: true });
  for (const { tag } of keep) copyFileSync(join(source, `${tag}.sql`), join(into, `${tag}.sql`));
  writeFileSync(join(into, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: keep }));
  return into;
}

/** Every poll and survey reads the same on both stores: records, segments, days, rankings, locks. */
async function sameResults(site: OpenDatabase, copy: OpenPostgres, personKeys: string[]) {
  const slugs = (site.db.$client.prepare('select slug from polls order by id').all() as { slug: string }[]).map(
    (r) => r.slug,
  );
  expect(slugs.length).toBeGreaterThan(10);
  for (const slug of slugs) {
    const poll = (await site.store.findPoll(slug))!;
    expect(await copy.store.findPoll(slug), slug).toEqual(poll);
    const dimensions: ProfileDimension[] = poll.profile.length > 0 ? poll.profile : ['role'];
    for (const by of dimensions) {
      expect(await copy.store.segmentCounts(poll.id, by, null), `${slug} by ${by}`).toEqual(
        await site.store.segmentCounts(poll.id, by, null),
      );
      const other = poll.profile.find((d) => d !== by);
      if (other) {
        const where = { dimension: other, value: 'manager' };
        expect(await copy.store.segmentCounts(poll.id, by, where), `${slug} by ${by} where`).toEqual(
          await site.store.segmentCounts(poll.id, by, where),
        );
      }
    }
    expect(await copy.store.dailyCounts(poll.id, 0, 100_000), slug).toEqual(
      await site.store.dailyCounts(poll.id, 0, 100_000),
    );
    if (poll.type === 'ranked') {
      expect(await copy.store.rankingTallies(poll.id), slug).toEqual(await site.store.rankingTallies(poll.id));
    }
    expect(await copy.adminStore.otherAnswerGroups(poll.id), slug).toEqual(
      await site.adminStore.otherAnswerGroups(poll.id),
    );
    // The owner's views: the vote log (all of it, in pages), the audit trail, traffic and quarantines.
    const log = async (admin: OpenDatabase['adminStore']) => {
      const entries = [];
      for (let page = await admin.voteLogPage(poll.id, null, 500); ;) {
        entries.push(...page);
        if (page.length < 500) return entries;
        page = await admin.voteLogPage(poll.id, page[page.length - 1]!, 500);
      }
    };
    expect(await log(copy.adminStore), slug).toEqual(await log(site.adminStore));
    expect(await copy.adminStore.auditFor(slug), slug).toEqual(await site.adminStore.auditFor(slug));
    expect(await copy.store.trafficOf(poll.id, 0, 1_000_000), slug).toEqual(
      await site.store.trafficOf(poll.id, 0, 1_000_000),
    );
    expect(await copy.store.quarantinesOf(poll.id), slug).toEqual(await site.store.quarantinesOf(poll.id));
  }
  expect(await copy.store.listPolls()).toEqual(await site.store.listPolls());
  const person = (await copy.store.findPoll('person'))!;
  for (const key of personKeys) expect(await copy.store.hasPersonLock(person.id, key)).toBe(true);
  expect(await copy.store.hasPersonLock(person.id, 'p:nobody')).toBe(false);
  for (const slug of ['ai-delivery-pulse', 'people']) {
    expect(await copy.surveyStore.findSurvey(slug), slug).toEqual(await site.surveyStore.findSurvey(slug));
  }
}
