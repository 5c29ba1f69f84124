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

/** The widget's URL. */
export function embedUrl(origin: string, slug: string, theme: EmbedTheme = 'auto'): string {
  return `${origin}/embed/${slug}${theme === 'auto' ? '' : `?theme=${theme}`}`;
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

/** An oEmbed 1.0 "rich" response for a poll. */
export function oembedResponse(origin: string, poll: PollRecord, maxWidth: number | null, maxHeight: number | null) {
  const { width, height } = fitBox(
    maxWidth,
    maxHeight,
    OEMBED_DEFAULT_WIDTH,
    estimatedWidgetHeight(poll.options.length),
  );
  return {
    version: '1.0',
    type: 'rich',
    provider_name: 'Peer Polls',
    provider_url: origin,
    title: poll.question,
    html: iframeSnippet(origin, poll, width, height),
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
