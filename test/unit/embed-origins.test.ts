/** Who may frame a widget (the union rules), the host presets, and the compact snippet's height. */
import { describe, expect, it } from 'vitest';
import { COMPACT, compactIframeSnippet, compactWidgetHeight, oembedLayout, parseLayout, widgetPath } from '@/lib/embed';
import {
  EMBED_PRESETS,
  frameAncestorSources,
  normaliseEmbedOrigin,
  parseStoredOrigins,
  presetsIn,
  splitOriginList,
} from '@/lib/embed-origins';

const SITE = ['https://*.sharepoint.com'];
const POLL = ['https://wiki.example.org'];

describe('frameAncestorSources', () => {
  it('with EMBED_ALLOWED_ORIGINS unset (*): any site while no admin list is kept', () => {
    expect(frameAncestorSources(['*'], [], [])).toEqual(['*']);
    expect(frameAncestorSources([], [], [])).toEqual(['*']);
  });

  it('with EMBED_ALLOWED_ORIGINS unset: the admin lists decide, the poll adding to the site', () => {
    expect(frameAncestorSources(['*'], SITE, [])).toEqual(SITE);
    expect(frameAncestorSources(['*'], [], POLL)).toEqual(POLL);
    expect(frameAncestorSources(['*'], SITE, POLL)).toEqual([...SITE, ...POLL]);
  });

  it('with EMBED_ALLOWED_ORIGINS set: a floor the admin lists add to, each origin once', () => {
    const env = ['https://floor.example.com'];
    expect(frameAncestorSources(env, [], [])).toEqual(env);
    expect(frameAncestorSources(env, SITE, POLL)).toEqual([...env, ...SITE, ...POLL]);
    expect(frameAncestorSources([...env, "'self'"], [...SITE, ...env], [...SITE, ...POLL])).toEqual([
      ...env,
      ...SITE,
      ...POLL,
    ]);
  });
});

describe('the host presets', () => {
  it('are origins the header may carry as they are', () => {
    for (const preset of EMBED_PRESETS) {
      for (const origin of preset.origins) expect(normaliseEmbedOrigin(origin), origin).toBe(origin);
    }
  });

  it('are found ticked in a list that holds all their origins, the rest left for the text box', () => {
    const teams = EMBED_PRESETS.find((preset) => preset.id === 'teams')!.origins;
    expect(presetsIn([...SITE, ...teams, 'https://x.example'])).toEqual({
      ticked: ['sharepoint', 'teams'],
      rest: ['https://x.example'],
    });
    // Part of a preset is not the preset.
    expect(presetsIn([teams[0]])).toEqual({ ticked: [], rest: [teams[0]] });
  });
});

describe('lists as typed and as stored', () => {
  it('split on spaces, commas and line breaks', () => {
    expect(splitOriginList(' https://a.example,https://b.example\r\n\nhttps://c.example ')).toEqual([
      'https://a.example',
      'https://b.example',
      'https://c.example',
    ]);
  });

  it('read back normalised, unreadable entries dropped', () => {
    expect(parseStoredOrigins(null)).toEqual([]);
    expect(parseStoredOrigins('HTTPS://A.example/ https://a.example nonsense')).toEqual(['https://a.example']);
  });
});

describe('the compact widget', () => {
  const poll = (fields: Partial<Parameters<typeof compactWidgetHeight>[0]> = {}) => ({
    slug: 'lunch',
    question: 'Where shall we have lunch?',
    options: ['Canteen', 'Food trucks', 'Desk'].map((label) => ({ label, other: false })),
    type: 'single' as const,
    maxChoices: 1,
    profile: [],
    allowOther: false,
    ...fields,
  });

  it('is as tall as its taller state: one row more per option', () => {
    const three = compactWidgetHeight(poll() as never);
    const four = compactWidgetHeight(
      poll({ options: ['A', 'B', 'C', 'D'].map((label) => ({ label, other: false })) } as never) as never,
    );
    expect(four - three).toBe(COMPACT.row);
  });

  it('grows with the question, the profile questions and a write-in', () => {
    const base = compactWidgetHeight(poll() as never);
    expect(compactWidgetHeight(poll({ question: 'x'.repeat(300) }) as never)).toBeGreaterThan(base);
    const profiled = compactWidgetHeight(poll({ profile: ['role', 'region'] }) as never);
    expect(profiled).toBeGreaterThan(base);
    // A write-in's text box counts where the ballot is the taller state.
    expect(compactWidgetHeight(poll({ profile: ['role', 'region'], allowOther: true }) as never)).toBeGreaterThan(
      profiled,
    );
  });

  it('is offered as a plain iframe at that height, with no script', () => {
    const html = compactIframeSnippet('https://polls.example.com', poll() as never);
    expect(html).toBe(
      `<iframe src="https://polls.example.com/embed/lunch?layout=compact" title="Poll: Where shall we have lunch?" width="100%" height="${compactWidgetHeight(poll() as never)}" style="border:0;max-width:100%"></iframe>`,
    );
    expect(html).not.toContain('<script');
  });

  it('keeps theme and layout in the path the vote redirects to', () => {
    expect(widgetPath('lunch')).toBe('/embed/lunch');
    expect(widgetPath('lunch', 'dark')).toBe('/embed/lunch?theme=dark');
    expect(widgetPath('lunch', 'auto', 'compact')).toBe('/embed/lunch?layout=compact');
    expect(widgetPath('lunch', 'light', 'compact')).toBe('/embed/lunch?theme=light&layout=compact');
    expect(parseLayout('nonsense')).toBe('standard');
  });

  it('is asked of oEmbed by a parameter or by the widget URL', () => {
    expect(oembedLayout('compact', 'https://p.example/polls/x')).toBe('compact');
    expect(oembedLayout(null, 'https://p.example/embed/x?layout=compact')).toBe('compact');
    expect(oembedLayout(null, 'https://p.example/polls/x')).toBe('standard');
    expect(oembedLayout(null, 'not a url')).toBe('standard');
  });
});
