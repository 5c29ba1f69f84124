/** The server at start: fail fast on bad configuration, create and migrate the database, seed demos. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { request } from '../support/api';
import { onPostgres } from '../support/postgres';
import { withRawDatabase } from '../support/raw-database';
import { runServerExpectingExit, withServer } from '../support/server';
import { tempDir } from '../support/temp-db';

describe('startup', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '4321', DATABASE_URL: 'mysql://user@localhost/polls' }, 'DATABASE_URL'],
    // Several instances key voters alike only with one secret from the environment.
    [{ PORT: '4321', DATABASE_URL: 'postgres://user@localhost/polls' }, 'VOTER_KEY_SECRET'],
    [{ PORT: '4321', SEED_DEMO: 'sometimes' }, 'SEED_DEMO'],
    [{ PORT: '4321', ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    [{ PORT: '4321', ADMIN_PASSWORD: 'hunter2' }, 'ADMIN_PASSWORD'],
    [{ PORT: '4321', EMBED_ALLOWED_ORIGINS: 'not a url' }, 'EMBED_ALLOWED_ORIGINS'],
  ])('stops with one line naming the variable for %j', async (env, variable) => {
    const { code, output } = await runServerExpectingExit({ DATABASE_URL: `file:${join(tempDir(), 'x.db')}`, ...env });
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it('stops with one line when PostgreSQL does not answer', async () => {
    const { code, output } = await runServerExpectingExit({
      PORT: '4321',
      DATABASE_URL: 'postgres://peer@127.0.0.1:1/polls',
      VOTER_KEY_SECRET: 'a-voter-key-secret-of-32-characters!',
    });
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/could not start.*ECONNREFUSED/);
  });

  it('creates and migrates the database and seeds the demo polls when asked', async () => {
    const dir = tempDir();
    await withServer({ dir: join(dir, 'nested', 'data'), env: { SEED_DEMO: '1' } }, async (server) => {
      // SQLite: the file, in folders made for it; PostgreSQL: the (test's) database named by the URL.
      if (!onPostgres()) expect(existsSync(join(dir, 'nested', 'data', 'peer-polls.db'))).toBe(true);
      const tables = await withRawDatabase(server.databaseUrl, (db) => db.tables());
      expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['polls', 'votes', 'surveys']));
      const polls = (await request(`${server.url}/api/polls`)).body.polls.map((p: { slug: string }) => p.slug).sort();
      expect(polls).toEqual(['ai-projects-in-production', 'ai-rollout-tactics', 'project-management-tool']);
      const results = await request(`${server.url}/api/polls/ai-projects-in-production/results`);
      expect(results.body.totalResponses).toBeGreaterThan(200);
    });
  });

  it('starts empty with SEED_DEMO=0', async () => {
    await withServer({ env: { SEED_DEMO: '0' } }, async (server) => {
      expect((await request(`${server.url}/api/polls`)).body).toEqual({ polls: [] });
    });
  });

  it('answers 401 on the admin API when ADMIN_TOKEN is unset', async () => {
    await withServer({ env: { ADMIN_TOKEN: '' } }, async (server) => {
      const response = await request(`${server.url}/api/admin/polls`, {
        method: 'POST',
        json: { question: 'Q', options: ['A', 'B'] },
        token: 'anything-anything-anything',
      });
      expect(response).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    });
  });
});
