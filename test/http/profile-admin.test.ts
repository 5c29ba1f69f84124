/**
 * Profile questions on the owner's side over HTTP: the editor's "Ask voters about" checkboxes on
 * create and edit (also once the poll has votes), and poll files that carry them across instances.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPoll, formPost, loginAsAdmin, request } from '../support/api';
import { ADMIN_TOKEN, ROOT, scriptEnv, serverDatabaseUrl, useServer, withServer } from '../support/server';
import { tempDir } from '../support/temp-db';

const PASSWORD = 'correct horse battery staple';
const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD, SEGMENT_MIN_N: '12' } });

const profileOf = async (base: string, slug: string) => (await request(`${base}/api/polls/${slug}`)).body.profile;

/** The editor's profile checkboxes as "dimension:checked|unchecked", in page order. */
const checkboxes = (html: string) =>
  [...html.matchAll(/<input type="checkbox" name="profile" value="([^"]+)"( checked)?/g)].map(
    (m) => `${m[1]}:${m[2] ? 'checked' : 'unchecked'}`,
  );

/** The poll form's fields as a browser posts them: ticked boxes repeat the name "profile". */
const fields = (base: Record<string, string>, profile: string[]) =>
  new URLSearchParams([...Object.entries(base), ...profile.map((dimension) => ['profile', dimension])]).toString();

describe('the poll editor', () => {
  it('offers one box per dimension, none ticked, with the hint naming K', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const html = (await request(`${server.url}/admin/polls/new`, { headers: { cookie } })).body as string;
    expect(html).toMatch(/<legend[^>]*>Ask voters about<\/legend>/);
    expect(checkboxes(html)).toEqual([
      'role:unchecked',
      'industry:unchecked',
      'companySize:unchecked',
      'region:unchecked',
    ]);
    expect(html).toMatch(/Company size\s*<\/label>/);
    expect(html).toMatch(/Voters may skip any of them\. Answers are shown only for groups of at least 12 voters\./);
  });

  it('creates a poll asking the ticked questions, in catalogue order', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await formPost(
      server.url,
      '/admin/polls/new',
      fields({ question: 'Asked?', options: 'A\nB', slug: 'asked' }, ['region', 'role']),
      { cookie },
    );
    expect(response.status).toBe(303);
    expect(await profileOf(server.url, 'asked')).toEqual(['role', 'region']);
    const page = (await request(`${server.url}/admin/polls/asked`, { headers: { cookie } })).body as string;
    expect(checkboxes(page)).toEqual(['role:checked', 'industry:unchecked', 'companySize:unchecked', 'region:checked']);
  });

  it('refuses an unknown dimension next to the field, keeping the ticked boxes, creating nothing', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await formPost(
      server.url,
      '/admin/polls/new',
      fields({ question: 'Shoes?', options: 'A\nB', slug: 'shoes' }, ['industry', 'shoeSize']),
      { cookie },
    );
    expect(response.status).toBe(422);
    expect(response.body).toMatch(/<p class="field-error" id="profile-error">[^<]+<\/p>/);
    expect(checkboxes(response.body)).toContain('industry:checked');
    expect((await request(`${server.url}/api/polls/shoes`)).status).toBe(404);
  });

  it('changes the questions of a poll with votes, and says earlier voters count as not stated', async () => {
    await createPoll(server.url, { slug: 'voted', question: 'Voted?', options: ['A', 'B'], profile: ['role'] });
    const voted = await request(`${server.url}/api/polls/voted/votes`, {
      method: 'POST',
      json: { choices: ['a'], profile: { role: 'director' } },
    });
    expect(voted.status).toBe(201);
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const before = (await request(`${server.url}/admin/polls/voted`, { headers: { cookie } })).body as string;
    expect(before).toContain('earlier voters count as “Not stated”');

    const saved = await formPost(
      server.url,
      '/admin/polls/voted',
      fields({ action: 'update', question: 'Voted?', resultsVisibility: 'after_vote', duplicatePolicy: 'device' }, [
        'industry',
        'companySize',
      ]),
      { cookie },
    );
    expect(saved.status).toBe(303);
    expect(await profileOf(server.url, 'voted')).toEqual(['industry', 'companySize']);

    const cleared = await formPost(
      server.url,
      '/admin/polls/voted',
      fields({ action: 'update', question: 'Voted?' }, []),
      { cookie },
    );
    expect(cleared.status).toBe(303);
    expect(await profileOf(server.url, 'voted')).toEqual([]);
    const owner = await request(`${server.url}/api/admin/polls`, { token: ADMIN_TOKEN });
    expect(owner.body.polls.find((p: { slug: string }) => p.slug === 'voted').totalResponses).toBe(1);
  });
});

describe('poll files', () => {
  it('carry the profile questions through export and import', async () => {
    await createPoll(server.url, {
      slug: 'exported',
      question: 'Exported?',
      options: ['A', 'B'],
      profile: ['companySize', 'role', 'region'],
    });
    const file = join(tempDir(), 'polls.json');
    const run = (args: string[], databaseUrl: string) =>
      spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'polls.ts'), ...args], {
        cwd: ROOT,
        env: scriptEnv(databaseUrl),
        encoding: 'utf8',
      });
    const exported = run(['export', file], server.databaseUrl);
    expect(exported.status, exported.stderr).toBe(0);

    const targetDir = tempDir();
    const targetUrl = await serverDatabaseUrl(targetDir);
    const imported = run(['import', file], targetUrl);
    expect(imported.status, imported.stderr).toBe(0);
    await withServer({ dir: targetDir }, async (target) => {
      expect(await profileOf(target.url, 'exported')).toEqual(['role', 'companySize', 'region']);
      const owner = await request(`${target.url}/api/admin/polls/exported`, { token: ADMIN_TOKEN });
      expect(owner.body.profile).toEqual(['role', 'companySize', 'region']);
      // Exported again from the new instance, the poll reads the same.
      const again = join(tempDir(), 'again.json');
      expect(run(['export', again], targetUrl).status).toBe(0);
    });
  });
});
