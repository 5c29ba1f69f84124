/**
 * Migrations applied to a database as an earlier release left it: the older migrations build it,
 * rows are written the way that release wrote them, then today's migrations bring it up to date.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../db/client';
import { findMigrationsFolder, migrateDb } from '../../db/migrate';
import { tempDir } from '../support/temp-db';

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

let dir: string;
let db: Db;
beforeEach(() => {
  dir = tempDir();
  db = createDb(`file:${join(dir, 'old.db')}`);
});
afterEach(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('0002 vote times to the minute', () => {
  it('floors existing vote times, and a poll updatedAt that holds the exact time of a vote', () => {
    migrateDb(db, migrationsUpTo('0001_admin', join(dir, 'migrations')));
    const sqlite = db.$client;
    const at = (iso: string) => Date.parse(iso);
    const insertPoll = sqlite.prepare(
      `insert into polls (slug, question, type, min_choices, max_choices, status, results_visibility,
        duplicate_policy, response_count, created_at, updated_at)
       values (?, 'Q', 'single', 1, 1, 'open', 'always', 'none', ?, ?, ?)`,
    );
    const insertVote = sqlite.prepare(`insert into votes (poll_id, created_at, source) values (?, ?, 'api')`);
    // Bumped by its last vote, as the old recordVote did: updatedAt is that vote's exact time.
    const voted = insertPoll.run('voted', 2, at('2026-06-01T09:00:00.000Z'), at('2026-06-01T12:34:56.789Z'));
    insertVote.run(voted.lastInsertRowid, at('2026-06-01T10:00:59.999Z'));
    insertVote.run(voted.lastInsertRowid, at('2026-06-01T12:34:56.789Z'));
    // Edited after its vote: updatedAt is an edit time, not a vote time, and stays.
    const edited = insertPoll.run('edited', 1, at('2026-06-01T09:00:00.000Z'), at('2026-06-01T13:00:01.500Z'));
    insertVote.run(edited.lastInsertRowid, at('2026-06-01T11:11:11.111Z'));
    // Created and voted in the same minute: flooring must not put updatedAt before createdAt.
    const quick = insertPoll.run('quick', 1, at('2026-06-01T14:00:20.000Z'), at('2026-06-01T14:00:40.000Z'));
    insertVote.run(quick.lastInsertRowid, at('2026-06-01T14:00:40.000Z'));
    // Already whole minutes: unchanged.
    insertVote.run(quick.lastInsertRowid, at('2026-06-01T14:05:00.000Z'));

    migrateDb(db);

    const votes = sqlite.prepare('select created_at from votes order by id').all() as { created_at: number }[];
    expect(votes.map((row) => new Date(row.created_at).toISOString())).toEqual([
      '2026-06-01T10:00:00.000Z',
      '2026-06-01T12:34:00.000Z',
      '2026-06-01T11:11:00.000Z',
      '2026-06-01T14:00:00.000Z',
      '2026-06-01T14:05:00.000Z',
    ]);
    const polls = sqlite.prepare('select slug, updated_at from polls order by id').all() as {
      slug: string;
      updated_at: number;
    }[];
    expect(polls.map((row) => [row.slug, new Date(row.updated_at).toISOString()])).toEqual([
      ['voted', '2026-06-01T12:34:00.000Z'],
      ['edited', '2026-06-01T13:00:01.500Z'],
      ['quick', '2026-06-01T14:00:20.000Z'],
    ]);
  });
});

describe('0005 period tallies', () => {
  it('counts the votes cast before it per UTC day, so trends add up to the results at once', async () => {
    migrateDb(db, migrationsUpTo('0004_peer-profile', join(dir, 'migrations')));
    const sqlite = db.$client;
    const poll = sqlite
      .prepare(
        `insert into polls (slug, question, type, min_choices, max_choices, status, results_visibility,
          duplicate_policy, response_count, created_at, updated_at)
         values ('old', 'Q', 'multiple', 1, 2, 'open', 'always', 'none', 3, 0, 0)`,
      )
      .run().lastInsertRowid;
    const option = (key: string, votes: number) =>
      sqlite
        .prepare(`insert into poll_options (poll_id, key, label, position, votes) values (?, ?, ?, 0, ?)`)
        .run(poll, key, key, votes).lastInsertRowid;
    const [a, b] = [option('a', 2), option('b', 2)];
    const vote = (iso: string, ...options: (number | bigint)[]) => {
      const id = sqlite
        .prepare(`insert into votes (poll_id, created_at, source) values (?, ?, 'api')`)
        .run(poll, Date.parse(iso)).lastInsertRowid;
      for (const o of options) sqlite.prepare('insert into vote_choices (vote_id, option_id) values (?, ?)').run(id, o);
    };
    vote('2026-06-01T00:00:00Z', a);
    vote('2026-06-01T23:59:00Z', a, b);
    vote('2026-06-02T00:00:00Z', b);

    migrateDb(db);

    expect(sqlite.prepare('select day, responses from period_tallies order by day').all()).toEqual([
      { day: Date.parse('2026-06-01T00:00:00Z') / 86_400_000, responses: 2 },
      { day: Date.parse('2026-06-02T00:00:00Z') / 86_400_000, responses: 1 },
    ]);
    expect(sqlite.prepare('select count(*) as rows, sum(votes) as votes from period_option_tallies').get()).toEqual({
      rows: 3,
      votes: 4,
    });
  });
});

describe('0007 segment pairs', () => {
  it('counts the profile answers stored before it in pairs, each pair once', () => {
    migrateDb(db, migrationsUpTo('0006_ordinal-scale', join(dir, 'migrations')));
    const sqlite = db.$client;
    const poll = sqlite
      .prepare(
        `insert into polls (slug, question, type, min_choices, max_choices, status, results_visibility,
          duplicate_policy, response_count, created_at, updated_at)
         values ('old', 'Q', 'single', 1, 1, 'open', 'always', 'none', 2, 0, 0)`,
      )
      .run().lastInsertRowid;
    const option = sqlite
      .prepare(`insert into poll_options (poll_id, key, label, position, votes) values (?, 'a', 'A', 0, 2)`)
      .run(poll).lastInsertRowid;
    for (const answers of [{ role: 'vp', companySize: 'lt-1000', region: 'emea' }, { role: 'vp' }]) {
      const vote = sqlite
        .prepare(`insert into votes (poll_id, created_at, source) values (?, 0, 'api')`)
        .run(poll).lastInsertRowid;
      sqlite.prepare('insert into vote_choices (vote_id, option_id) values (?, ?)').run(vote, option);
      for (const [dimension, value] of Object.entries(answers)) {
        sqlite
          .prepare('insert into vote_profiles (vote_id, poll_id, dimension, value) values (?, ?, ?, ?)')
          .run(vote, poll, dimension, value);
      }
    }

    migrateDb(db);

    expect(
      sqlite
        .prepare('select dimension_a, value_a, dimension_b, value_b, responses from segment_pair_tallies order by 1, 3')
        .all(),
    ).toEqual([
      { dimension_a: 'companySize', value_a: 'lt-1000', dimension_b: 'region', value_b: 'emea', responses: 1 },
      { dimension_a: 'companySize', value_a: 'lt-1000', dimension_b: 'role', value_b: 'vp', responses: 1 },
      { dimension_a: 'region', value_a: 'emea', dimension_b: 'role', value_b: 'vp', responses: 1 },
    ]);
    expect(sqlite.prepare('select sum(votes) as votes from segment_pair_option_tallies').get()).toEqual({ votes: 3 });
  });
});
