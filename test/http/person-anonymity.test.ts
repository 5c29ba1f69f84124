/**
 * The attack review's finding 1, reproduced: whoever holds the database file, the voter-key secret
 * beside it (by default `<db>.voter-key`) and the staff directory computes every person-derived
 * key the code can produce, for every colleague, and looks for it in every row of every table. A
 * person poll or survey must let them learn at most WHO took part (the lock that makes it one
 * vote per person), never HOW: a row holding such a key may hold nothing else than its poll or
 * survey id (no vote, response or time), in a table without rowids (no insertion order to line up
 * with vote ids), and the vote times of person polls and surveys are whole hours (the proxy's own
 * logs hold user + request time).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '@/lib/store';
import { deviceKeyFor, personKeyFor, surveyDeviceKeyFor, surveyPersonKeyFor } from '@/lib/voter';
import { createPoll, request } from '../support/api';
import { LOGIN_HEADER, startSignOnProxy, type SignOnProxy } from '../support/sign-on-proxy';
import { useServer } from '../support/server';
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

    // The attacker: a read-only copy of the database, the secret file, the directory.
    const path = join(server.dir, 'peer-polls.db');
    const secret = readFileSync(`${path}.voter-key`, 'utf8').trim();
    const db = new Database(path, { readonly: true });
    try {
      const pollIds = db.prepare('select id from polls').all() as { id: number }[];
      const surveyIds = db.prepare('select id from surveys').all() as { id: number }[];
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

      const tables = db.prepare("select name, sql from sqlite_master where type = 'table'").all() as {
        name: string;
        sql: string;
      }[];
      const found = new Map<string, Set<string>>();
      const leaks: string[] = [];
      for (const { name, sql } of tables) {
        const rows = db.prepare(`select * from "${name}"`).all() as Record<string, unknown>[];
        for (const row of rows) {
          const users = Object.values(row).flatMap((value) =>
            typeof value === 'string' && derived.has(value) ? [derived.get(value)!] : [],
          );
          if (users.length === 0) continue;
          for (const user of users) (found.get(name) ?? found.set(name, new Set()).get(name)!).add(user);
          // Such a row may say only "this poll/survey has this person's lock": no vote, response,
          // time or other column to follow, and no rowid whose order matches the votes'.
          const columns = Object.keys(row).sort();
          const bare =
            (columns.join() === 'lock_key,poll_id' || columns.join() === 'lock_key,survey_id') &&
            /WITHOUT ROWID\s*$/i.test(sql);
          if (!bare) leaks.push(`${name}(${columns.join(', ')}) holds ${users.join(', ')}'s key`);
        }
      }
      expect(leaks).toEqual([]);
      // One vote per person still works through exactly these locks: everyone is found (who took part) …
      expect([...(found.get('person_locks') ?? [])].sort()).toEqual([...STAFF].sort());
      expect([...(found.get('survey_person_locks') ?? [])].sort()).toEqual([...STAFF].sort());

      // … and the times of their votes and responses say nothing finer than the hour.
      const times = db
        .prepare(
          `select created_at as at from votes
           union all select created_at from survey_responses
           union all select updated_at from survey_responses`,
        )
        .all() as { at: number }[];
      expect(times.length).toBe(STAFF.length * 4);
      for (const { at } of times) expect(at % HOUR_MS).toBe(0);
    } finally {
      db.close();
    }
    // The public results are as counted.
    const results = await request(`${server.url}/api/polls/trust/results`);
    expect(results.body.totalResponses).toBe(STAFF.length);
  });
});
