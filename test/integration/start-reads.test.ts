/**
 * Start must not grow with the votes (the server answers /healthz within 1 s of start on a
 * 1,000,000-vote database: `npm run bench -- --only start`). Pinned here without timing: every
 * statement start runs (migrations check, the demo seed's "is it empty" check, the voter secret)
 * is recorded, and none may read a table that grows with votes or responses, whatever its plan.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { seedDemo } from '../../db/seed';
import { createApp } from '../../src/app';
import { loadConfig } from '@/lib/config';
import { tempDir } from '../support/temp-db';

/** Tables with a row (or several) per vote, response or event: start must leave them alone. */
const GROWING = [
  'votes',
  'vote_choices',
  'vote_profiles',
  'vote_rankings',
  'vote_locks',
  'other_answers',
  'survey_responses',
  'survey_answers',
  'survey_locks',
  'audit_log',
  'admin_sessions',
];

type Method = 'run' | 'get' | 'all' | 'iterate';
const METHODS: Method[] = ['run', 'get', 'all', 'iterate'];

/** Records the SQL of every statement executed through better-sqlite3 while `during` runs. */
async function statementsRunBy(during: () => Promise<void>): Promise<string[]> {
  const probe = new Database(':memory:');
  const statement = Object.getPrototypeOf(probe.prepare('select 1')) as Record<Method, (...args: unknown[]) => unknown>;
  const database = Database.prototype as unknown as { exec: (sql: string) => unknown };
  probe.close();
  const seen: string[] = [];
  const originals = METHODS.map((name) => statement[name]);
  const exec = database.exec;
  METHODS.forEach((name, i) => {
    statement[name] = function (this: { source: string }, ...args: unknown[]) {
      seen.push(this.source);
      return originals[i]!.apply(this, args);
    };
  });
  database.exec = function (this: unknown, sql: string) {
    seen.push(sql);
    return exec.call(this, sql);
  };
  try {
    await during();
  } finally {
    METHODS.forEach((name, i) => (statement[name] = originals[i]!));
    database.exec = exec;
  }
  return seen;
}

let dir: string;
let url: string;
beforeAll(async () => {
  dir = tempDir();
  url = `file:${join(dir, 'start.db')}`;
  // The demo polls and survey: about a thousand votes and a few hundred responses.
  const { store, surveyStore, close } = openDatabase(url);
  await seedDemo(store, Date.parse('2026-06-01T12:00:00Z'), surveyStore);
  close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('start', () => {
  it.each(['1', '0'])('reads no vote-sized table (SEED_DEMO=%s)', async (seedDemo) => {
    const config = loadConfig({ DATABASE_URL: url, SEED_DEMO: seedDemo, PORT: '4321' });
    let close: (() => Promise<void>) | undefined;
    const statements = await statementsRunBy(async () => {
      const app = await createApp(config);
      close = async () => {
        app.live.closeAll();
        await app.store.close();
      };
    });
    await close?.();
    expect(statements.length).toBeGreaterThan(0);
    // Every statement's plan, on a connection of its own: the tables it reads, by any path.
    const db = new Database(join(dir, 'start.db'), { readonly: true });
    try {
      const touched = new Set<string>();
      for (const sql of statements) {
        if (!/^\s*(select|with|insert|update|delete)/i.test(sql)) continue; // pragmas, DDL of migrations
        // The plan does not depend on the values: every parameter is a null here.
        const unbound = sql.replace(/\?\d*|[@:$][A-Za-z_]\w*/g, 'null');
        const plan = db.prepare(`explain query plan ${unbound}`).all() as { detail: string }[];
        for (const { detail } of plan) {
          const table = /^(?:SCAN|SEARCH) (\w+)/.exec(detail)?.[1];
          if (table) touched.add(table);
        }
      }
      expect([...touched].filter((table) => GROWING.includes(table))).toEqual([]);
      expect(touched.size).toBeGreaterThan(0); // the check saw the statements it should
    } finally {
      db.close();
    }
  });
});
