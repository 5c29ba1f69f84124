/** Embeds: widget themes, the copy-paste snippets and oEmbed responses. Pure functions. */
import { PollError } from './errors';
import { SLUG_PATTERN } from './limits';
import type { PollRecord } from './types';

export const EMBED_THEMES = ['light', 'dark', 'auto'] as const;
export type EmbedTheme = (typeof EMBED_THEMES)[number];

/** Unknown or missing themes fall back to following the visitor's colour scheme. */
export function parseTheme(value: string | null): EmbedTheme {
  return (EMBED_THEMES as readonly string[]).includes(value ?? '') ? (value as EmbedTheme) : 'auto';
}

/** A height that fits the widget's form without a scrollbar before it resizes itself. */
export function estimatedWidgetHeight(optionCount: number): number {
  return 150 + optionCount * 46;
}

/**
 * `standard`: the widget the loader resizes. `compact` (`?layout=compact`): a denser widget for
 * hosts that forbid scripts (SharePoint pages, Confluence's iframe macro), whose fixed height
 * (compactWidgetHeight) holds the ballot and, after the vote, the results without resizing.
 */
export const EMBED_LAYOUTS = ['standard', 'compact'] as const;
export type EmbedLayout = (typeof EMBED_LAYOUTS)[number];

export function parseLayout(value: string | null): EmbedLayout {
  return value === 'compact' ? 'compact' : 'standard';
}

/** The widget's path with its query: the form posts here and the vote redirects back here. */
export function widgetPath(slug: string, theme: EmbedTheme = 'auto', layout: EmbedLayout = 'standard'): string {
  const query = [theme === 'auto' ? '' : `theme=${theme}`, layout === 'standard' ? '' : `layout=${layout}`].filter(
    Boolean,
  );
  return `/embed/${slug}${query.length > 0 ? `?${query.join('&')}` : ''}`;
}

/** The widget's URL. */
export function embedUrl(
  origin: string,
  slug: string,
  theme: EmbedTheme = 'auto',
  layout: EmbedLayout = 'standard',
): string {
  return `${origin}${widgetPath(slug, theme, layout)}`;
}

/**
 * The compact widget's pixel rhythm (src/styles/embed.css, [data-layout='compact']): every
 * option, result and text line is one fixed-height row, long labels end in an ellipsis.
 */
export const COMPACT = {
  /** main's padding and border. */
  frame: 22,
  /** One line of text and its margin (question lines, notes, headline, totals). */
  line: 26,
  /** One option on the ballot, or one result with its bar. */
  row: 32,
  /** The Vote button's row. */
  button: 40,
  /** The "Other" choice with its text box, wrapped under it on a narrow widget. */
  other: 70,
  /** One rank's select (one column on a narrow widget), one profile question's select. */
  select: 60,
  /** The "About you (optional)" heading. */
  profileHead: 52,
  /** One row of a rating scale (up to 6 values side by side at 300 px). */
  scaleRow: 58,
  /** Characters of the bold question per line at the narrowest width planned for (300 px). */
  questionChars: 30,
  /** A line for a note the page may add (a refusal, excluded votes). */
  spare: 32,
  /**
   * After the vote, the fine print saying repeats are stopped per host site (three lines at 300
   * px): without a storage-access grant — always so in a host that runs no script — it shows.
   */
  finePrint: 66,
} as const;

type CompactPoll = Pick<PollRecord, 'question' | 'options' | 'type' | 'maxChoices' | 'profile' | 'allowOther'>;

/**
 * The fixed height of the compact widget (iframe-only snippet): the taller of the ballot and the
 * results after voting, computed from the question's length, the options and the questions asked.
 */
export function compactWidgetHeight(poll: CompactPoll): number {
  const questionLines = Math.max(1, Math.ceil(poll.question.length / COMPACT.questionChars));
  const question = questionLines * 20 + 6;
  const listed = poll.options.filter((option) => !option.other).length;
  const choices =
    poll.type === 'ranked'
      ? poll.maxChoices * COMPACT.select
      : poll.type === 'rating'
        ? Math.ceil(listed / 6) * COMPACT.scaleRow
        : listed * COMPACT.row;
  const profile = poll.profile.length > 0 ? COMPACT.profileHead + poll.profile.length * COMPACT.select : 0;
  const ballot = question + choices + 8 + (poll.allowOther ? COMPACT.other : 0) + profile + COMPACT.button;
  // Thanks, headline and total lines; a rating's mean or a ranked poll's "First choices" line.
  const extra = poll.type === 'rating' || poll.type === 'ranked' ? 1 : 0;
  const results = question + (3 + extra) * COMPACT.line + COMPACT.finePrint + poll.options.length * COMPACT.row + 6;
  // The footer line ("Full results").
  return COMPACT.frame + Math.max(ballot, results) + 20 + COMPACT.spare;
}

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An <iframe> snippet; the title names the poll for screen readers. */
export function iframeSnippet(
  origin: string,
  poll: Pick<PollRecord, 'slug' | 'question' | 'options'>,
  width?: number,
  height?: number,
): string {
  const h = height ?? estimatedWidgetHeight(poll.options.length);
  const w = width === undefined ? '100%' : String(width);
  return `<iframe src="${escapeAttribute(embedUrl(origin, poll.slug))}" title="${escapeAttribute(`Poll: ${poll.question}`)}" width="${w}" height="${h}" loading="lazy" style="border:0;max-width:100%"></iframe>`;
}

/**
 * The iframe-only snippet for hosts that forbid scripts: the compact widget at a fixed height
 * that fits it before and after voting; its links open in a new tab, so it also works inside a
 * sandboxed iframe that allows forms and popups.
 */
export function compactIframeSnippet(
  origin: string,
  poll: Pick<PollRecord, 'slug'> & CompactPoll,
  width?: number,
  height?: number,
): string {
  const h = height ?? compactWidgetHeight(poll);
  const w = width === undefined ? '100%' : String(width);
  return `<iframe src="${escapeAttribute(embedUrl(origin, poll.slug, 'auto', 'compact'))}" title="${escapeAttribute(`Poll: ${poll.question}`)}" width="${w}" height="${h}" style="border:0;max-width:100%"></iframe>`;
}

/** The loader snippet: a placeholder and the async script that turns it into a widget. */
export function scriptSnippet(origin: string, slug: string): string {
  return `<div data-peer-poll="${slug}"></div>\n<script async src="${origin}/embed.js"></script>`;
}

export function oembedEndpoint(origin: string, pageUrl: string): string {
  return `${origin}/oembed?url=${encodeURIComponent(pageUrl)}&format=json`;
}

/** The oEmbed discovery <link rel="alternate"> of a poll's pages. */
export function oembedDiscovery(origin: string, poll: Pick<PollRecord, 'slug' | 'question'>) {
  return {
    type: 'application/json+oembed',
    href: oembedEndpoint(origin, `${origin}/polls/${poll.slug}`),
    title: poll.question,
  };
}

/**
 * The slug named by a URL of this server — a poll page, its results or its widget — or
 * throws: 400 for a missing or foreign URL, 404 for one of ours that names no poll.
 */
export function slugFromEmbedTarget(target: string | null, origin: string): string {
  if (!target) throw new PollError('invalid_body', 'The url parameter is required.');
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new PollError('invalid_body', 'The url parameter must be an absolute URL.');
  }
  if (url.host !== new URL(origin).host || !['http:', 'https:'].includes(url.protocol)) {
    throw new PollError('invalid_body', 'The url must point to a poll on this site.');
  }
  const match = /^\/(?:polls|embed)\/([^/]+)(?:\/results)?\/?$/.exec(url.pathname);
  if (!match || !SLUG_PATTERN.test(match[1]!)) throw new PollError('not_found', 'There is no poll at this URL.');
  return match[1]!;
}

/** Fits a width × height box into the consumer's maxwidth × maxheight. */
export function fitBox(maxWidth: number | null, maxHeight: number | null, width: number, height: number) {
  return {
    width: maxWidth ? Math.min(width, maxWidth) : width,
    height: maxHeight ? Math.min(height, maxHeight) : height,
  };
}

/** Width of the oEmbed iframe when the consumer sets no maximum. */
export const OEMBED_DEFAULT_WIDTH = 560;

/**
 * The layout an oEmbed request asks for: `layout=compact` as a parameter (oEmbed lets providers
 * add their own) or in the embed URL it names.
 */
export function oembedLayout(layoutParameter: string | null, target: string | null): EmbedLayout {
  if (layoutParameter !== null) return parseLayout(layoutParameter);
  try {
    return parseLayout(new URL(target ?? '').searchParams.get('layout'));
  } catch {
    return 'standard';
  }
}

/** An oEmbed 1.0 "rich" response for a poll; `compact`: the iframe-only snippet at its fixed height. */
export function oembedResponse(
  origin: string,
  poll: PollRecord,
  maxWidth: number | null,
  maxHeight: number | null,
  layout: EmbedLayout = 'standard',
) {
  const compact = layout === 'compact';
  const { width, height } = fitBox(
    maxWidth,
    maxHeight,
    OEMBED_DEFAULT_WIDTH,
    compact ? compactWidgetHeight(poll) : estimatedWidgetHeight(poll.options.length),
  );
  return {
    version: '1.0',
    type: 'rich',
    provider_name: 'Peer Polls',
    provider_url: origin,
    title: poll.question,
    html: compact ? compactIframeSnippet(origin, poll, width, height) : iframeSnippet(origin, poll, width, height),
    width,
    height,
    cache_age: 3600,
  };
}

/** A positive whole number from a query parameter, null when absent; 400 when malformed. */
export function dimension(value: string | null, name: string): number | null {
  if (value === null || value === '') return null;
  if (!/^\d{1,5}$/.test(value) || Number(value) === 0) {
    throw new PollError('invalid_body', `${name} must be a positive whole number.`);
  }
  return Number(value);
}
