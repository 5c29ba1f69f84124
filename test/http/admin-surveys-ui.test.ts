/**
 * The survey pages of the admin UI over HTTP: sessions and cross-site posts, creating a survey
 * with the form (its buttons rebuilding the form without JavaScript), refusals next to each
 * field, locked questions once a response exists, lifecycle, delete, export and import.
 */
import { describe, expect, it } from 'vitest';
import { formPost, loginAsAdmin, request } from '../support/api';
import { ADMIN_TOKEN, useServer } from '../support/server';

const PASSWORD = 'correct horse battery staple';
const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD } });

/** The editor's fields for a survey: survey fields, then `questions.N.field` per question. */
function surveyForm(
  fields: Record<string, string>,
  questions: Record<string, string>[],
  action = 'create',
): URLSearchParams {
  const form = new URLSearchParams({ action, resultsVisibility: 'always', duplicatePolicy: 'device', ...fields });
  questions.forEach((question, index) => {
    for (const [field, value] of Object.entries({ type: 'single', scale: 'nominal', page: '1', ...question })) {
      form.append(`questions.${index}.${field}`, value);
    }
  });
  return form;
}

const THREE: Record<string, string>[] = [
  { question: 'Which editor?', options: 'Vim\nEmacs\nVS Code', required: 'on' },
  { question: 'Rank the languages', type: 'ranked', options: 'Go\nRust\nZig', maxChoices: '2' },
  { question: 'Anything else?', options: 'Yes\nNo', page: '2' },
];

const post = (path: string, form: URLSearchParams | Record<string, string>, cookie: string, origin?: string) =>
  formPost(server.url, path, new URLSearchParams(form).toString(), { cookie, ...(origin ? { origin } : {}) });

/** The values of `questions.N.question` fields, in page order. */
const questionTexts = (html: string) =>
  [...html.matchAll(/name="questions\.(\d+)\.question" value(?:="([^"]*)")?/g)].map((m) => `${m[1]}:${m[2] ?? ''}`);

describe('sessions and origins', () => {
  it('send a visitor without a session to the login page from every survey page and export', async () => {
    for (const path of [
      '/admin/surveys/new',
      '/admin/surveys/import',
      '/admin/surveys/x',
      '/admin/surveys/x/export.json',
    ]) {
      const response = await request(`${server.url}${path}`, {
        headers: { cookie: 'pp_admin=forged-forged-forged-forged-forged-forged-f' },
      });
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location'), path).toBe('/admin');
      expect(response.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('refuse a cross-site post (CSRF) with 403 and create nothing', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const form = surveyForm({ title: 'CSRF?', slug: 'csrf-survey' }, [THREE[0]!]);
    const response = await post('/admin/surveys/new', form, cookie, 'https://evil.example');
    expect(response.status).toBe(403);
    expect((await request(`${server.url}/api/surveys/csrf-survey`)).status).toBe(404);
  });
});

describe('the editor without JavaScript', () => {
  it('starts with one empty question, and adds, moves and removes questions by posting the form back', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const blank = (await request(`${server.url}/admin/surveys/new`, { headers: { cookie } })).body as string;
    expect(blank).toContain('<h1>New survey</h1>');
    expect(questionTexts(blank)).toEqual(['0:']);

    const added = await post('/admin/surveys/new', surveyForm({ title: 'Kept' }, THREE.slice(0, 2), 'add'), cookie);
    expect(added.status).toBe(200);
    expect(questionTexts(added.body)).toEqual(['0:Which editor?', '1:Rank the languages', '2:']);
    expect(added.body).toMatch(/id="title"[^>]*value="Kept"/);
    // The new question lands where the button was aimed.
    expect(added.body).toMatch(/formaction="\/admin\/surveys\/new#question-4"/);

    const moved = await post('/admin/surveys/new', surveyForm({ title: 'T' }, THREE, 'move-up:1'), cookie);
    expect(questionTexts(moved.body)).toEqual(['0:Rank the languages', '1:Which editor?', '2:Anything else?']);
    // Across the page break a question joins the next page rather than swapping.
    const down = await post('/admin/surveys/new', surveyForm({ title: 'T' }, THREE, 'move-down:1'), cookie);
    expect(questionTexts(down.body)).toEqual(['0:Which editor?', '1:Rank the languages', '2:Anything else?']);
    expect(down.body).toMatch(/<h3 class="page-heading"[^>]*>Page 2<\/h3>[\s\S]*name="questions\.1\.question"/);

    const removed = await post('/admin/surveys/new', surveyForm({ title: 'T' }, THREE, 'remove:0'), cookie);
    expect(questionTexts(removed.body)).toEqual(['0:Rank the languages', '1:Anything else?']);
    // The required box followed its question out.
    expect(removed.body).not.toMatch(/name="questions\.\d\.required" checked/);
  });

  it('previews the pages as a respondent sees them, inputs disabled, above the editor', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await post(
      '/admin/surveys/new',
      surveyForm({ title: 'Pulse', profile: 'role' }, THREE, 'preview'),
      cookie,
    );
    expect(response.status).toBe(200);
    const html = response.body as string;
    expect(html.indexOf('id="preview-heading"')).toBeLessThan(html.indexOf('class="survey-editor'));
    expect(html).toContain('Page 1 of 2');
    expect(html).toContain('Page 2 of 2');
    expect(html).toMatch(/<fieldset class="preview-inputs"[^>]*disabled/);
    expect(html).toMatch(/>Which editor\?<\/h3>\s*<span class="question-required"[^>]*>Required<\/span>/);
    expect(html).toContain('2nd choice');
    expect(html).toContain('About you');
    // Nothing was stored.
    expect((await request(`${server.url}/api/admin/surveys`, { token: ADMIN_TOKEN })).body.surveys).toEqual([]);
  });
});

describe('creating a survey with the form', () => {
  it('creates it with its pages and required questions, then shows it with the created panel', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await post(
      '/admin/surveys/new',
      surveyForm({ title: 'Team pulse', slug: 'pulse' }, THREE),
      cookie,
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/surveys/pulse?created');
    const survey = (await request(`${server.url}/api/surveys/pulse`)).body;
    expect(survey.status).toBe('open');
    expect(
      survey.pages.map((page: { slug: string; required: boolean; type: string }[]) =>
        page.map((q) => [q.slug, q.type, q.required]),
      ),
    ).toEqual([
      [
        ['pulse-1', 'single', true],
        ['pulse-2', 'ranked', false],
      ],
      [['pulse-3', 'single', false]],
    ]);
    const page = (await request(`${server.url}/admin/surveys/pulse?created`, { headers: { cookie } })).body as string;
    expect(page).toMatch(/<h2[^>]*id="created-heading"[^>]*>Survey created<\/h2>/);
    expect(page).toContain('href="/admin/surveys/pulse/responses.csv"');
    expect(page).toContain('href="/admin/surveys/pulse/export.json"');
    expect(page).toMatch(/<td>\s*create\s*<\/td>/);

    const dashboard = (await request(`${server.url}/admin`, { headers: { cookie } })).body as string;
    expect(dashboard).toMatch(/<h2 id="surveys-heading"[^>]*>Surveys<\/h2>/);
    expect(dashboard).toMatch(/href="\/admin\/surveys\/pulse"[^>]*>Team pulse<\/a>/);
    expect(dashboard).toContain('href="/admin/surveys/new"');
  });

  it('refuses bad input with 422, every problem next to its field and in a linked summary, values kept', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await post(
      '/admin/surveys/new',
      surveyForm({ title: '', description: 'Keep me', slug: 'Bad Slug' }, [
        { question: 'Fine?', options: 'A\nB' },
        { question: '', options: 'Only one' },
        { question: 'Ranges?', scale: 'ordinal', options: 'Low | 1-x\nHigh' },
      ]),
      cookie,
    );
    expect(response.status).toBe(422);
    const html = response.body as string;
    expect(html).toContain('role="alert"');
    expect(html).toContain('>Keep me</textarea>');
    // Option lines the form cannot read are refused by the form itself, with everything else at once …
    expect(html).toMatch(/id="questions\.2\.options-error">Option 1&#39;s range/);
    expect(html).toContain('href="#questions.2.options"');
    for (const field of ['title', 'slug', 'questions.1.question', 'questions.1.options']) {
      expect(html, field).toContain(`<p class="field-error" id="${field}-error">`);
    }
    const fixed = await post(
      '/admin/surveys/new',
      surveyForm({ title: '', description: 'Keep me', slug: 'Bad Slug' }, [
        { question: 'Fine?', options: 'A\nB' },
        { question: '', options: 'Only one' },
      ]),
      cookie,
    );
    // … and without them the admin API's rules name every field by its path.
    expect(fixed.status).toBe(422);
    for (const field of ['title', 'slug', 'questions.1.question', 'questions.1.options']) {
      const id = field.replace(/\./g, '\\.');
      expect(fixed.body, field).toMatch(
        new RegExp(`id="${id}"[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*${id}-error`),
      );
      expect(fixed.body, field).toContain(`<p class="field-error" id="${field}-error">`);
      expect(fixed.body, field).toContain(`href="#${field}"`);
    }
    expect(fixed.body).not.toMatch(/element\(s\)|Array must/);
    expect((await request(`${server.url}/api/admin/surveys`, { token: ADMIN_TOKEN })).body.surveys).not.toContainEqual(
      expect.objectContaining({ title: '' }),
    );
  });
});

describe('an existing survey', () => {
  async function created(cookie: string, slug: string) {
    const response = await post('/admin/surveys/new', surveyForm({ title: `Survey ${slug}`, slug }, THREE), cookie);
    expect(response.status).toBe(303);
  }

  it('edits questions while nobody has responded, and locks them after a response', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    await created(cookie, 'locks');
    const edited = await post(
      '/admin/surveys/locks',
      surveyForm({ title: 'Renamed' }, [...THREE, { question: 'Fourth?', options: 'A\nB', page: '2' }], 'save'),
      cookie,
    );
    expect(edited.status).toBe(303);
    expect(edited.headers.get('location')).toBe('/admin/surveys/locks?saved');
    expect((await request(`${server.url}/api/surveys/locks`)).body.pages[1]).toHaveLength(2);

    const answered = await request(`${server.url}/api/surveys/locks/responses`, {
      method: 'POST',
      json: { answers: { 'locks-1': { choices: ['vim'] } } },
    });
    expect(answered.status).toBe(201);
    const page = (await request(`${server.url}/admin/surveys/locks`, { headers: { cookie } })).body as string;
    expect(page).toContain('Questions are locked: the survey has 1 response');
    expect(page).toMatch(/<fieldset class="question-card[^"]*"[^>]*id="question-1"[^>]*disabled/);
    expect(page).not.toContain('value="add"');
    expect(page).not.toMatch(/value="move-up:/);

    // The survey's own fields still change; posted questions (there are none: disabled) are ignored.
    const saved = await post('/admin/surveys/locks', surveyForm({ title: 'Renamed again' }, [], 'save'), cookie);
    expect(saved.status).toBe(303);
    const after = (await request(`${server.url}/api/surveys/locks`)).body;
    expect(after.title).toBe('Renamed again');
    expect(after.pages.flat()).toHaveLength(4);
  });

  it('links each question’s own admin page, which points back to the survey instead of editing it', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    await created(cookie, 'links');
    const page = (await request(`${server.url}/admin/surveys/links`, { headers: { cookie } })).body as string;
    expect(page).toMatch(/<a href="\/admin\/polls\/links-2"[^>]*>Rank the languages<\/a>/);
    const question = (await request(`${server.url}/admin/polls/links-2`, { headers: { cookie } })).body as string;
    expect(question).toMatch(/a question of the survey <a href="\/admin\/surveys\/links"[^>]*>“Survey links”<\/a>/);
    expect(question).toContain('id="results-heading"');
    expect(question).not.toContain('id="edit-heading"');
    expect(question).not.toContain('Close poll');
    expect(question).not.toContain('Embed this poll');
    // Survey answers carry no network: the Traffic section says they are outside budget and view.
    expect(question.replace(/\s+/g, ' ')).toContain(
      'Survey answers are outside the address budget and this traffic view in this version',
    );
    expect(question).not.toContain('name="action" value="quarantine"');
  });

  it('closes, reopens, deletes behind a confirmation, and keeps an audit log', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    await created(cookie, 'life');
    const act = (action: string) => post('/admin/surveys/life', { action }, cookie);
    expect((await act('close')).status).toBe(303);
    expect((await request(`${server.url}/api/surveys/life`)).body.status).toBe('closed');
    const closed = (await request(`${server.url}/admin/surveys/life`, { headers: { cookie } })).body as string;
    expect(closed).toMatch(/value="reopen"[\s\S]*Reopen survey/);
    expect((await act('reopen')).status).toBe(303);
    expect((await request(`${server.url}/api/surveys/life`)).body.status).toBe('open');
    const audit = (await request(`${server.url}/admin/surveys/life`, { headers: { cookie } })).body as string;
    const actions = [...audit.matchAll(/<td>\s*<code>[^<]+<\/code>\s*<\/td>\s*<td>([^<]+)<\/td>/g)].map((m) =>
      m[1]!.trim(),
    );
    expect(actions).toEqual(['reopen', 'close', 'create']);

    const confirm = await act('delete');
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('Yes, delete survey');
    expect((await request(`${server.url}/api/surveys/life`)).status).toBe(200);
    const deleted = await act('delete-confirmed');
    expect(deleted.headers.get('location')).toBe('/admin');
    expect((await request(`${server.url}/api/surveys/life`)).status).toBe(404);
    expect((await request(`${server.url}/api/polls/life-1`)).status).toBe(404);
  });

  it('publishes a draft created from the form; a planned opening makes it scheduled, "Open now" opens it', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const opensAt = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString().slice(0, 16);
    const draft = await post(
      '/admin/surveys/new',
      surveyForm({ title: 'Drafted', slug: 'drafted', draft: 'on', opensAt }, [THREE[0]!]),
      cookie,
    );
    expect(draft.status).toBe(303);
    expect((await request(`${server.url}/api/surveys/drafted`)).status).toBe(404);
    const page = (await request(`${server.url}/admin/surveys/drafted`, { headers: { cookie } })).body as string;
    expect(page).toMatch(/value="publish"[\s\S]*Publish survey/);
    expect((await post('/admin/surveys/drafted', { action: 'publish' }, cookie)).status).toBe(303);
    expect((await request(`${server.url}/api/surveys/drafted`)).body).toMatchObject({
      status: 'scheduled',
      opensAt: `${opensAt}:00.000Z`,
    });
    const scheduled = (await request(`${server.url}/admin/surveys/drafted`, { headers: { cookie } })).body as string;
    expect(scheduled).toMatch(
      /Opens\s+(?:<script[^>]*><\/script>\s*)?<time datetime="[^"]+Z"[^>]*>[^<]+\(in 3 days\)<\/time>/,
    );
    expect((await post('/admin/surveys/drafted', { action: 'open-now' }, cookie)).status).toBe(303);
    expect((await request(`${server.url}/api/surveys/drafted`)).body.status).toBe('open');
  });

  it('exports as JSON and imports the file again as a copy under a new slug', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    await created(cookie, 'original');
    const exported = await request(`${server.url}/admin/surveys/original/export.json`, { headers: { cookie } });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="survey-original.json"');
    expect(exported.headers.get('cache-control')).toBe('no-store');
    expect(exported.body).toMatchObject({ slug: 'original', title: 'Survey original', pages: [[0, 1], [2]] });

    const upload = (fields: Record<string, string>) => {
      const form = new FormData();
      form.append('file', new Blob([JSON.stringify(exported.body)], { type: 'application/json' }), 'survey.json');
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      return fetch(`${server.url}/admin/surveys/import`, {
        method: 'POST',
        body: form,
        headers: { cookie, origin: server.url },
        redirect: 'manual',
      });
    };
    // Under its own slug it clashes with the original: nothing imported, the reason said.
    const clash = await upload({});
    expect(clash.status).toBe(409);
    expect(await clash.text()).toMatch(/role="alert"[\s\S]*already used by another survey/);
    const copy = await upload({ slug: 'copy' });
    expect(copy.status, await copy.text()).toBe(303);
    expect(copy.headers.get('location')).toBe('/admin/surveys/copy?created');
    const survey = (await request(`${server.url}/api/surveys/copy`)).body;
    expect(survey.pages.flat().map((q: { slug: string }) => q.slug)).toEqual(['copy-1', 'copy-2', 'copy-3']);
    const audit = (await request(`${server.url}/admin/surveys/copy`, { headers: { cookie } })).body as string;
    expect(audit).toMatch(/<td>\s*import\s*<\/td>/);

    const broken = await post('/admin/surveys/import', { json: '{ not json' }, cookie);
    expect(broken.status).toBe(400);
    expect(broken.body).toContain('Survey file: This is not valid JSON');
  });
});
