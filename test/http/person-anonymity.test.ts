/**
 * The attack review's finding 1, reproduced: whoever holds the database file, the voter-key secret
 * beside it (by default `<db>.voter-key`) and the staff directory computes every person-derived
 * key the code can produce, for every colleague, and looks for it in every row of every table. A
 * person poll or survey must let them learn at most WHO took part (the lock that makes it one
 * vote per person), never HOW: a row holding such a key may hold nothing else than its poll or
 * survey id (no vote, response or time), in a table without rowids (SQLite) or as one sorted array
 * per poll or survey (PostgreSQL) — no insertion order to line up with vote ids — and the vote times of person polls and surveys are whole hours (the proxy's own
 * logs hold user + request time).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '@/lib/store';
import { deviceKeyFor, personKeyFor, surveyDeviceKeyFor, surveyPersonKeyFor } from '@/lib/voter';
import { createPoll, request } from '../support/api';
import { LOGIN_HEADER, startSignOnProxy, type SignOnProxy } from '../support/sign-on-proxy';
import { withRawDatabase } from '../support/raw-database';
import { TEST_VOTER_KEY_SECRET, useServer } from '../support/server';
import { createSurvey } from '../support/surveys';

const STAFF = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
const BALLOTS: Record<string, 'yes' | 'no'> = {
  alice: 'no',
  bob: 'yes',
  carol: 'no',
  dave: 'yes',
  erin: 'yes',
  frank: 'no',
  grace: 'yes',
  heidi: 'yes',
};

const isSorted = (keys: string[]) => keys.every((key, i) => i === 0 || keys[i - 1]! <= key);

const server = useServer({
  env: { TRUST_PROXY: '1', TRUSTED_PROXIES: '127.0.0.2', AUTH_USER_HEADER: 'X-Forwarded-User' },
  setup: async ({ url }) => {
    await createPoll(url, {
      slug: 'trust',
      question: 'Do you trust your manager?',
      options: ['Yes', 'No'],
      duplicatePolicy: 'person',
      resultsVisibility: 'always',
    });
    await createSurvey(url, {
      slug: 'staff',
      title: 'Staff survey',
      duplicatePolicy: 'person',
      resultsVisibility: 'always',
      questions: [{ question: 'Would you recommend working here?', options: ['Yes', 'No'] }],
    });
  },
});

let proxy: SignOnProxy;
beforeAll(async () => {
  proxy = await startSignOnProxy({ target: server.url });
});
afterAll(() => proxy?.close());

describe('the database, the voter-key secret and the staff directory together', () => {
  it('tell at most who took part in a person poll or survey, never how', async () => {
    for (const user of STAFF) {
      const headers = { [LOGIN_HEADER]: user };
      const vote = await request(`${proxy.url}/api/polls/trust/votes`, {
        method: 'POST',
        json: { choices: [BALLOTS[user]] },
        headers,
      });
      expect(vote.status, user).toBe(201);
      const answer = await request(`${proxy.url}/api/surveys/staff/responses`, {
        method: 'POST',
        json: { answers: { 'staff-1': { choices: [BALLOTS[user]] } } },
        headers,
      });
      expect(answer.status, user).toBe(201);
    }

    // The attacker: a read-only copy of the database, the secret (file beside a SQLite
    // database; on PostgreSQL VOTER_KEY_SECRET, which it requires), the directory.
    await withRawDatabase(server.databaseUrl, async (db) => {
      const secret =
        db.kind === 'sqlite'
          ? readFileSync(`${server.databaseUrl.replace(/^file:/, '')}.voter-key`, 'utf8').trim()
          : TEST_VOTER_KEY_SECRET;
      const pollIds = await db.query<{ id: number }>('select id from polls');
      const surveyIds = await db.query<{ id: number }>('select id from surveys');
      expect(pollIds.length).toBeGreaterThanOrEqual(2); // the poll and the survey's question
      // Every person-derived value any version of the code has stored, for every colleague.
      const derived = new Map<string, string>();
      for (const user of STAFF) {
        for (const { id } of pollIds) {
          const person = personKeyFor(secret, id, user);
          for (const value of [person, `p:${person}`, deviceKeyFor(secret, id, `person:${user}`)])
            derived.set(value, user);
        }
        for (const { id } of surveyIds) {
          const person = surveyPersonKeyFor(secret, id, user);
          for (const value of [person, `p:${person}`, surveyDeviceKeyFor(secret, id, `person:${user}`)])
            derived.set(value, user);
        }
      }

      // Where a person's lock may live: SQLite, a (poll, key) row of a table without rowids (no
      // insertion order to line up with vote ids); PostgreSQL, where every row has a creating
      // transaction (xmin) and a place (ctid), one sorted array of keys per poll or survey.
      const lockTable = (name: string, sql: string | null, row: Record<string, unknown>, columns: string) =>
        db.kind === 'sqlite'
          ? (columns === 'lock_key,poll_id' || columns === 'lock_key,survey_id') && /WITHOUT ROWID\s*$/i.test(sql ?? '')
          : (columns === 'lock_keys,poll_id' || columns === 'lock_keys,survey_id') &&
            isSorted(row.lock_keys as string[]);
      const found = new Map<string, Set<string>>();
      const leaks: string[] = [];
      for (const { name, sql } of await db.tables()) {
        for (const row of await db.query(`select * from "${name}"`)) {
          const users = Object.values(row)
            .flatMap((value) => (Array.isArray(value) ? (value as unknown[]) : [value]))
            .flatMap((value) => (typeof value === 'string' && derived.has(value) ? [derived.get(value)!] : []));
          if (users.length === 0) continue;
          for (const user of users) (found.get(name) ?? found.set(name, new Set()).get(name)!).add(user);
          // Such a row may say only "this poll/survey has this person's lock": no vote, response,
          // time or other column to follow.
          const columns = Object.keys(row).sort().join();
          if (!lockTable(name, sql, row, columns)) leaks.push(`${name}(${columns}) holds ${users.join(', ')}'s key`);
        }
      }
      expect(leaks).toEqual([]);
      // One vote per person still works through exactly these locks: everyone is found (who took part) …
      const [pollLocks, surveyLocks] =
        db.kind === 'sqlite'
          ? ['person_locks', 'survey_person_locks']
          : ['person_lock_sets', 'survey_person_lock_sets'];
      expect([...(found.get(pollLocks) ?? [])].sort()).toEqual([...STAFF].sort());
      expect([...(found.get(surveyLocks) ?? [])].sort()).toEqual([...STAFF].sort());

      // … and the times of their votes and responses say nothing finer than the hour.
      const times = await db.query<{ at: number }>(
        `select created_at as at from votes
         union all select created_at from survey_responses
         union all select updated_at from survey_responses`,
      );
      expect(times.length).toBe(STAFF.length * 4);
      for (const { at } of times) expect(at % HOUR_MS).toBe(0);
    });
    // The public results are as counted.
    const results = await request(`${server.url}/api/polls/trust/results`);
    expect(results.body.totalResponses).toBe(STAFF.length);
  });
});
