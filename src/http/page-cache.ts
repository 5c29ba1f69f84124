/**
 * Rendered pages kept for visitors who carry none of our cookies (the first visit, every reader
 * of a widget on an intranet home page): such a visitor's page depends only on the URL, the host
 * it was asked for, the data under it and the time. A page opts in by setting `locals.pageCache`
 * (which poll it shows and until when its words about time hold); an entry is reused while the
 * versions of that data (src/lib/data-versions.ts) are what they were when rendering began.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { DataVersions } from '@/lib/data-versions';

/** What a page says about itself when it may be reused: see App.Locals.pageCache. */
export interface PageMark {
  /** The id of the poll the page shows ('*' for pages that list every poll). */
  poll: number | '*';
  /** The page's words about time (a status, "in 3 hours") hold until this instant (ms). */
  until: number;
  /**
   * A per-visitor value rendered into the page (the widget's device token): replaced by a fresh
   * one of the same length on every reuse, so no two visitors share it.
   */
  fresh?: { rendered: string; mint: () => string };
}

export interface CachedPage {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

interface Entry extends CachedPage {
  poll: number | '*';
  /** The last write under the page when it was kept. */
  stamp: number;
  until: number;
  /** Byte offsets of `fresh.rendered` in body, rewritten on each reuse. */
  freshAt: number[];
  mint: (() => string) | null;
}

/** Names of our cookies: a visitor who carries one may see "Your choice", a flash, an admin bar. */
const OUR_COOKIE = /(^|;)\s*pp_/;

/** Headers that decide the origin a page links to (src/http/public-origin.ts reads these). */
const ORIGIN_HEADERS = ['host', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded'] as const;

/** What an entry holds: its body and its key (a key carries the host headers, up to ~16 KB). */
const sizeOf = (key: string, entry: Entry) => entry.body.length + key.length * 2;

export const PAGE_CACHE_LIMITS = { entries: 2000, bytes: 64 * 1024 * 1024 };

export class PageCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly versions: DataVersions,
    private readonly limits = PAGE_CACHE_LIMITS,
    /**
     * AUTH_USER_HEADER (lower case), or null: a request that carries it may be a signed-in
     * person's, whose page (a person poll's ballot, or "you have voted") is theirs alone — it is
     * neither served a kept page nor kept, whoever sent it (believed or not: one rule, no guess).
     */
    private readonly signOnHeader: string | null = null,
  ) {}

  /**
   * The cache key of a request that may be served from the cache, or null. `forwarded`: the peer
   * is a trusted proxy, whose forwarding headers decide the origin a page links to — the same
   * headers from anyone else do not, so the two never share an answer.
   */
  keyOf(req: IncomingMessage, forwarded: boolean): string | null {
    if (req.method !== 'GET' && req.method !== 'HEAD') return null;
    const cookie = req.headers.cookie;
    if (cookie !== undefined && OUR_COOKIE.test(cookie)) return null;
    if (req.headers.authorization !== undefined) return null;
    if (this.signOnHeader !== null && req.headers[this.signOnHeader] !== undefined) return null;
    const parts = ORIGIN_HEADERS.map((name) => String(req.headers[name] ?? ''));
    return `${forwarded ? 'proxy' : 'direct'}\n${parts.join('\n')}\n${req.url ?? ''}`;
  }

  /** To take before rendering a page that may be kept (see `set`). */
  begin(): number {
    return this.versions.writes;
  }

  /** A fresh copy of the page kept under `key`, when its data and time still hold. */
  get(key: string, now: number): CachedPage | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (now >= entry.until || this.versions.lastWrite(entry.poll) !== entry.stamp) {
      this.remove(key, entry);
      return null;
    }
    // Least recently used goes first: a hit moves the entry to the end.
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (entry.freshAt.length === 0 || !entry.mint) return entry;
    const body = Buffer.from(entry.body);
    const value = Buffer.from(entry.mint());
    for (const at of entry.freshAt) value.copy(body, at);
    return { status: entry.status, headers: entry.headers, body };
  }

  /**
   * Keeps a page rendered for `key` when nothing under it was written while it rendered (`begun`
   * is what `begin()` said before). Only whole 200 pages that set no cookie.
   */
  set(key: string, mark: PageMark, begun: number, page: CachedPage, now: number): void {
    if (page.status !== 200 || page.headers['set-cookie'] !== undefined || now >= mark.until) return;
    const stamp = this.versions.lastWrite(mark.poll);
    if (stamp > begun) return;
    const freshAt: number[] = [];
    if (mark.fresh) {
      const needle = Buffer.from(mark.fresh.rendered);
      // A value of another length could not be swapped in place: keep nothing rather than guess.
      if (needle.length === 0 || Buffer.byteLength(mark.fresh.mint()) !== needle.length) return;
      for (let at = page.body.indexOf(needle); at !== -1; at = page.body.indexOf(needle, at + needle.length))
        freshAt.push(at);
    }
    const existing = this.entries.get(key);
    if (existing) this.remove(key, existing);
    const entry: Entry = {
      ...page,
      poll: mark.poll,
      stamp,
      until: mark.until,
      freshAt,
      mint: mark.fresh?.mint ?? null,
    };
    if (sizeOf(key, entry) > this.limits.bytes / 4) return;
    this.entries.set(key, entry);
    this.bytes += sizeOf(key, entry);
    for (const [oldKey, old] of this.entries) {
      if (this.entries.size <= this.limits.entries && this.bytes <= this.limits.bytes) break;
      this.remove(oldKey, old);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= sizeOf(key, entry);
  }
}
