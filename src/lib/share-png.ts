/**
 * The results image for link previews as a PNG, rendered once per results version and kept in a
 * small in-memory cache: chat apps fetch it when a link is pasted, often many times at once.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import type { PollRecord, Results } from './types';
import { resultsHiddenReason } from './poll-rules';
import { resultsViewFor } from './results-view';
import type { PollStore } from './store';
import { SHARE_IMAGE_WIDTH, shareImageSvg, type ShareImageInput } from './share-image';

/**
 * The fonts the image is drawn with: Debian's fonts-dejavu-core (the README's setup installs
 * it), else Liberation Sans. Named files load in about a millisecond; scanning every system font
 * on each render would cost far more, so that is only the fallback when neither is present.
 */
const FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
];

let renderOptions: ResvgRenderOptions | null = null;
function options(): ResvgRenderOptions {
  if (!renderOptions) {
    const fontFiles = FONT_FILES.filter((file) => existsSync(file));
    renderOptions = {
      fitTo: { mode: 'width', value: SHARE_IMAGE_WIDTH },
      font: { fontFiles, loadSystemFonts: fontFiles.length === 0, defaultFontFamily: 'DejaVu Sans' },
    };
  }
  return renderOptions;
}

/**
 * An SVG document as PNG bytes. Rendered on libuv's thread pool (~50 ms for a results image on
 * this machine), so votes and pages keep being answered meanwhile.
 */
export async function renderPng(svg: string): Promise<Uint8Array<ArrayBuffer>> {
  // Copied out of Node's pooled Buffer into an array of its own, which a Response body accepts.
  return new Uint8Array((await renderAsync(svg, options())).asPng());
}

export interface ResultsImage {
  /** A strong validator for this results version. */
  etag: string;
  png: Uint8Array<ArrayBuffer>;
}

/** Shorter than the page's sentence: the image has room for one line and no dates. */
const hiddenSentence = (reason: 'after_vote' | 'after_close') =>
  reason === 'after_vote' ? 'Results are shown after voting.' : 'Results are shown when the poll closes.';

/** Enough for every poll being shared at an all-hands at once; each entry is ~20–50 KB. */
const CACHE_SIZE = 64;
/** Promises, so a burst of crawlers asking for a new version waits for one render, not one each. */
const cache = new Map<string, Promise<ResultsImage>>();

/**
 * Exactly what the image shows, for an anonymous visitor — what a chat app's crawler is — so
 * hidden results stay hidden in previews: the question, the host, and either each option's label
 * and share with n, or the sentence saying when results show. Nothing else (no vote times, no
 * counts behind hidden results) reaches the image, its validator or its URL.
 */
async function imageInput(
  store: Pick<PollStore, 'rankingTallies'>,
  poll: PollRecord,
  now: number,
  origin: string,
): Promise<ShareImageInput> {
  const view = await resultsViewFor(store, poll, false, now);
  const host = new URL(origin).host;
  if (!view.results)
    return { question: poll.question, host, results: null, hiddenMessage: hiddenSentence(view.hidden!.reason) };
  return { question: poll.question, host, results: shownShares(view.results) };
}

/**
 * The bars of the preview: each option's share — for a ranked poll, of the final runoff round
 * (the options still in it, as shares of the ballots still counting), since first choices alone
 * would show a different winner than the results page.
 */
export function shownShares({ totalResponses, options, ranked }: Results): NonNullable<ShareImageInput['results']> {
  const last = ranked?.rounds.at(-1);
  if (!last || last.continuing === 0)
    return { totalResponses, options: options.map(({ label, share }) => ({ label, share })) };
  const labels = new Map(options.map((option) => [option.key, option.label]));
  return {
    totalResponses,
    options: last.tallies.map(({ key, votes }) => ({ label: labels.get(key) ?? key, share: votes / last.continuing })),
  };
}

/** A short hash of what the image shows: the same for the same picture, whatever else changed. */
const versionOf = (input: ShareImageInput) =>
  createHash('sha256').update(JSON.stringify(input)).digest('base64url').slice(0, 16);

/**
 * The results image, cached by what it shows (a new vote, an edited question, a poll closing and
 * showing its results each make a new one; a vote behind hidden results does not).
 */
export async function resultsImage(
  store: Pick<PollStore, 'rankingTallies'>,
  poll: PollRecord,
  now: number,
  origin: string,
): Promise<ResultsImage> {
  const input = await imageInput(store, poll, now, origin);
  const key = versionOf(input);
  const hit = cache.get(key);
  if (hit) {
    // Map keeps insertion order: re-inserting marks the entry as most recently used.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const image = renderPng(shareImageSvg(input)).then((png) => ({ etag: `"${key}"`, png }));
  cache.set(key, image);
  // A failed render is not remembered: the next request tries again.
  image.catch(() => cache.get(key) === image && cache.delete(key));
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return image;
}

/** The image's URL with its version, so chat apps that cache by URL fetch a new one when it changes. */
export async function resultsImagePath(
  store: Pick<PollStore, 'rankingTallies'>,
  poll: PollRecord,
  now: number,
  origin: string,
): Promise<string> {
  return `/polls/${poll.slug}/results.png?v=${versionOf(await imageInput(store, poll, now, origin))}`;
}

/** The image's text alternative (og:image:alt): what it shows, and no more than it shows. */
export function resultsImageAlt(poll: PollRecord, now: number): string {
  const hidden = resultsHiddenReason(poll, { hasVoted: false }, now);
  if (!hidden && poll.type === 'ranked')
    return `Bar chart of the final instant-runoff round of “${poll.question}” from ${poll.responseCount} ballots`;
  if (!hidden) return `Bar chart of the answers to “${poll.question}” from ${poll.responseCount} responses`;
  return `The poll “${poll.question}”. ${hiddenSentence(hidden)}`;
}
