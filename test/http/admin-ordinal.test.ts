/**
 * Ordered scales in the admin UI over HTTP: the editor's Scale choice and option ranges typed as
 * "label | low-high", on create and edit (also once the poll has votes), and their refusals.
 */
import { describe, expect, it } from 'vitest';
import { createPoll, formPost, loginAsAdmin, request, voteFrom } from '../support/api';
import { useServer } from '../support/server';

const PASSWORD = 'correct horse battery staple';
const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD } });

const BUCKETS = '< 10 % | 0-10\n10–20 % | 10-20\n20–30 % | 20 - 30\n> 30 % | 30-100';
const pollJson = async (slug: string) => (await request(`${server.url}/api/polls/${slug}`)).body;
const page = async (path: string, cookie: string) =>
  (await request(`${server.url}${path}`, { headers: { cookie } })).body as string;

/** The scale radio that is checked on a rendered editor. */
const checkedScale = (html: string) =>
  [...html.matchAll(/<input type="radio" name="scale" value="(\w+)" checked/g)].map((m) => m[1]);
/** Text as the browser shows it from Astro's escaped HTML. */
const decoded = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
/** The options textarea's text. */
const optionsText = (html: string) =>
  decoded(/<textarea id="options"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? '');
const fieldError = (html: string, field: string) =>
  decoded(new RegExp(`<p class="field-error" id="${field}-error">\\s*([^<]+?)\\s*</p>`).exec(html)?.[1] ?? '');

describe('the editor’s Scale choice', () => {
  it('offers Unordered (checked) and Ordered, says ordered needs single choice, and explains the ranges', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const html = await page('/admin/polls/new', cookie);
    expect(html).toMatch(/<legend[^>]*>Scale<\/legend>/);
    expect(html).toMatch(/Unordered \(brands, tools\)\s*<\/label>/);
    expect(html).toMatch(/Ordered \(buckets such as\s+&lt; 10 %, 10–20 %, …\)\s*<\/label>/);
    expect(checkedScale(html)).toEqual(['nominal']);
    expect(html).toContain('Ordered needs single choice');
    expect(html).toMatch(/id="ranges-hint"[^>]*>[^<]*“10–20 % \| 10-20”[^<]*compute the median, e.g. 18 %/);
  });
});

describe('creating an ordinal poll with the form', () => {
  it('stores the scale and each option’s range (negative, decimal, none), and shows them again to edit', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await formPost(
      server.url,
      '/admin/polls/new',
      {
        question: 'How did the temperature change?',
        options: 'Colder | -10--0.5\nAbout the same | -0.5 - 0.5\nWarmer | 0.5-10\nNo idea |',
        type: 'single',
        scale: 'ordinal',
        slug: 'temperature',
      },
      { cookie },
    );
    expect(response.status).toBe(303);
    const poll = await pollJson('temperature');
    expect(poll.scale).toBe('ordinal');
    expect(poll.options.map((o: { label: string; range?: unknown }) => [o.label, o.range ?? null])).toEqual([
      ['Colder', { low: -10, high: -0.5 }],
      ['About the same', { low: -0.5, high: 0.5 }],
      ['Warmer', { low: 0.5, high: 10 }],
      ['No idea', null],
    ]);
    const html = await page('/admin/polls/temperature', cookie);
    expect(checkedScale(html)).toEqual(['ordinal']);
    expect(optionsText(html)).toBe('Colder | -10--0.5\nAbout the same | -0.5-0.5\nWarmer | 0.5-10\nNo idea');
  });

  it('creates a nominal poll by default, a bar in a label kept as typed', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    await formPost(
      server.url,
      '/admin/polls/new',
      { question: 'Stack?', options: 'Rock | Pop\nJazz', slug: 'stack' },
      { cookie },
    );
    const poll = await pollJson('stack');
    expect(poll.scale).toBe('nominal');
    expect(poll.options.map((o: { label: string }) => o.label)).toEqual(['Rock | Pop', 'Jazz']);
  });
});

describe('refusals, next to their field, creating nothing', () => {
  it.each<[string, Record<string, string>, string, RegExp]>([
    [
      'ordered with multiple choice',
      { options: 'Low\nHigh', type: 'multiple', scale: 'ordinal' },
      'scale',
      /^An ordered scale needs a single-choice or rating poll/,
    ],
    [
      'a range that is not two numbers',
      { options: 'Low | 0-10\nHigh | ten to twenty', scale: 'ordinal' },
      'options',
      /^Option 2's range "ten to twenty" is not two numbers such as 10-20/,
    ],
    [
      'a range whose low is not below its high',
      { options: 'Low | 10-0\nHigh', scale: 'ordinal' },
      'options',
      /^Option 1's range must have its low below its high/,
    ],
    [
      'a range on an unordered scale',
      { options: 'Low | 0-10\nHigh', scale: 'nominal' },
      'options',
      /^Option 1 has a range \(0-10\), but ranges need the scale "Ordered"/,
    ],
  ])('%s', async (_name, fields, field, sentence) => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await formPost(
      server.url,
      '/admin/polls/new',
      { question: 'Refused?', slug: 'refused', ...fields },
      { cookie },
    );
    expect(response.status).toBe(422);
    expect(fieldError(response.body, field)).toMatch(sentence);
    expect(response.body).toMatch(new RegExp(`aria-describedby="[^"]*${field}-error`));
    // The owner's text comes back to be corrected, not lost.
    expect(optionsText(response.body)).toBe(fields.options);
    expect(checkedScale(response.body)).toEqual([fields.scale]);
    expect((await request(`${server.url}/api/polls/refused`)).status).toBe(404);
  });
});

describe('editing', () => {
  it('round-trips scale and ranges unchanged, then changes the ranges while the poll has no votes', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    await formPost(
      server.url,
      '/admin/polls/new',
      { question: 'Share in production?', options: BUCKETS, scale: 'ordinal', slug: 'share' },
      { cookie },
    );
    const before = await pollJson('share');
    const edit = (fields: Record<string, string>) =>
      formPost(
        server.url,
        '/admin/polls/share',
        { action: 'update', question: 'Share in production?', type: 'single', ...fields },
        { cookie },
      );
    // Saving what the edit page shows changes nothing.
    const shown = await page('/admin/polls/share', cookie);
    expect((await edit({ options: optionsText(shown), scale: checkedScale(shown)[0]! })).status).toBe(303);
    expect((await pollJson('share')).options).toEqual(before.options);
    expect((await pollJson('share')).scale).toBe('ordinal');

    expect(
      (await edit({ options: '< 10 % | 0-10\n10–20 % | 10-20\n20–30 % | 20-30\n> 30 % | 30-50', scale: 'ordinal' }))
        .status,
    ).toBe(303);
    expect((await pollJson('share')).options.at(-1)).toMatchObject({ label: '> 30 %', range: { low: 30, high: 50 } });
    expect(optionsText(await page('/admin/polls/share', cookie))).toContain('> 30 % | 30-50');
  });

  it('changes the scale of a poll with votes, its options untouched', async () => {
    await createPoll(server.url, { slug: 'voted', question: 'How many?', options: ['Few', 'Some', 'Many'] });
    await voteFrom('127.0.0.40', server.url, 'voted', ['some']);
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const html = await page('/admin/polls/voted', cookie);
    expect(html).toMatch(/<textarea id="options" name="options" rows="6" disabled/);
    // The scale stays editable: it is not inside the locked fieldset.
    expect(html).toMatch(/<fieldset class="field scale-field"(?![^>]*disabled)/);
    const response = await formPost(
      server.url,
      '/admin/polls/voted',
      { action: 'update', question: 'How many?', scale: 'ordinal' },
      { cookie },
    );
    expect(response.status).toBe(303);
    const poll = await pollJson('voted');
    expect(poll.scale).toBe('ordinal');
    expect(poll.options.map((o: { key: string }) => o.key)).toEqual(['few', 'some', 'many']);
    expect(checkedScale(await page('/admin/polls/voted', cookie))).toEqual(['ordinal']);
  });

  it('switches a voted poll with ranges to "Unordered" and back: the ranges wait unused meanwhile', async () => {
    await createPoll(server.url, {
      slug: 'ranged',
      question: 'Ranged?',
      scale: 'ordinal',
      options: [
        { label: 'Low', range: { low: 0, high: 1 } },
        { label: 'High', range: { low: 1, high: 2 } },
      ],
    });
    await voteFrom('127.0.0.41', server.url, 'ranged', ['low']);
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const toNominal = await formPost(
      server.url,
      '/admin/polls/ranged',
      { action: 'update', question: 'Ranged?', scale: 'nominal' },
      { cookie },
    );
    expect(toNominal.status).toBe(303);
    const nominal = await pollJson('ranged');
    expect(nominal.scale).toBe('nominal');
    expect(nominal.options.some((o: { range?: unknown }) => o.range)).toBe(false);
    const back = await formPost(
      server.url,
      '/admin/polls/ranged',
      { action: 'update', question: 'Ranged?', scale: 'ordinal' },
      { cookie },
    );
    expect(back.status).toBe(303);
    expect((await pollJson('ranged')).options.map((o: { range?: unknown }) => o.range)).toEqual([
      { low: 0, high: 1 },
      { low: 1, high: 2 },
    ]);
  });
});
