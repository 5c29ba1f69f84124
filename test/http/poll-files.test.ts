/** npm run polls -- export / import: moving poll definitions between instances. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createPoll, request } from '../support/api';
import { ADMIN_TOKEN, dropServerDatabase, ROOT, scriptEnv, serverDatabaseUrl, withServer } from '../support/server';
import { tempDir } from '../support/temp-db';

function polls(args: string[], databaseUrl: string) {
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'polls.ts'), ...args], {
    cwd: ROOT,
    env: scriptEnv(databaseUrl),
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

async function ownerView(base: string) {
  const response = await request(`${base}/api/admin/polls`, { token: ADMIN_TOKEN });
  return response.body.polls
    .map(({ totalResponses: _n, ...poll }: Record<string, unknown>) => poll)
    .sort((a: { slug: string }, b: { slug: string }) => a.slug.localeCompare(b.slug));
}

describe('poll definition files', () => {
  it('round-trips every poll through export and import', async () => {
    await withServer({ env: { SEED_DEMO: '1' } }, async (source) => {
      await createPoll(source.url, {
        slug: 'multi',
        question: 'Multi?',
        options: [{ key: 'x', label: 'X' }, 'Y', 'Z'],
        type: 'multiple',
        minChoices: 2,
        maxChoices: 3,
        opensAt: '2099-01-01T00:00:00Z',
        resultsVisibility: 'after_close',
        duplicatePolicy: 'device_or_network',
      });
      await createPoll(source.url, {
        slug: 'draft',
        question: 'Draft?',
        options: ['A', 'B'],
        status: 'draft',
        description: 'Not yet',
      });
      await createPoll(source.url, { slug: 'done', question: 'Done?', options: ['A', 'B'] });
      await request(`${source.url}/api/admin/polls/done`, {
        method: 'PATCH',
        json: { status: 'closed' },
        token: ADMIN_TOKEN,
      });

      const file = join(tempDir(), 'polls.json');
      const exported = polls(['export', file], source.databaseUrl);
      expect(exported.code, exported.err).toBe(0);

      const targetDir = tempDir();
      const imported = polls(['import', file], await serverDatabaseUrl(targetDir));
      expect(imported.code, imported.err).toBe(0);
      expect(imported.out).toContain('Imported 6 polls');

      await withServer({ dir: targetDir }, async (target) => {
        expect(await ownerView(target.url)).toEqual(await ownerView(source.url));
      });
    });
  }, 60_000);

  it('imports nothing when any poll is invalid, and names each problem by position', async () => {
    const dir = tempDir();
    const databaseUrl = await serverDatabaseUrl(dir);
    onTestFinished(() => dropServerDatabase(dir));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify([
        { question: 'Fine?', options: ['A', 'B'] },
        { question: '', options: ['A'] },
        { slug: 'Bad Slug', question: 'Q', options: ['A', 'B'] },
      ]),
    );
    const result = polls(['import', file], databaseUrl);
    expect(result.code).toBe(1);
    expect(result.err).toContain('Nothing was imported');
    expect(result.err).toMatch(/poll 2: question: The question must not be empty\./);
    expect(result.err).toMatch(/poll 3 \(Bad Slug\): slug:/);
    const check = polls(['export'], databaseUrl);
    expect(JSON.parse(check.out)).toEqual([]);
  });

  it('imports nothing when a slug already exists', async () => {
    const dir = tempDir();
    const databaseUrl = await serverDatabaseUrl(dir);
    onTestFinished(() => dropServerDatabase(dir));
    const file = join(dir, 'polls.json');
    writeFileSync(file, JSON.stringify([{ slug: 'one', question: 'One?', options: ['A', 'B'] }]));
    expect(polls(['import', file], databaseUrl).code).toBe(0);
    writeFileSync(
      file,
      JSON.stringify([
        { slug: 'two', question: 'Two?', options: ['A', 'B'] },
        { slug: 'one', question: 'Again?', options: ['A', 'B'] },
      ]),
    );
    const again = polls(['import', file], databaseUrl);
    expect(again.code).toBe(1);
    expect(again.err).toContain('poll 2 (one): a poll with this slug already exists');
    expect(JSON.parse(polls(['export'], databaseUrl).out).map((p: { slug: string }) => p.slug)).toEqual(['one']);
  });
});
