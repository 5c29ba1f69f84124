/**
 * Versions of what pages are rendered from, so a rendered page can be reused until the data
 * under it changes — invalidated by the write itself, never by a timer. A vote moves only its
 * poll's version (and the count of all votes, for pages that list every poll); any other write
 * (an owner's edit, an import, a survey submission, a setting) moves the whole site's version.
 */
export class DataVersions {
  private site = 0;
  private votes = 0;
  /** Every write so far: unchanged between two reads means nothing changed in between. */
  get writes(): number {
    return this.site + this.votes;
  }
  private readonly polls = new Map<string, number>();

  /** A stamp that changes whenever the poll `slug` (or, with '*', any poll) may render differently. */
  stamp(slug: string): string {
    return slug === '*' ? `${this.site}:*${this.votes}` : `${this.site}:${this.polls.get(slug) ?? 0}`;
  }

  voteRecorded(slug: string): void {
    this.votes++;
    this.polls.set(slug, (this.polls.get(slug) ?? 0) + 1);
  }

  siteChanged(): void {
    this.site++;
  }
}

/**
 * Wraps a store so every call that may write moves a version: `vote` names the method whose
 * outcome carries the voted poll (`outcome.poll.slug`; without one, as a refused vote, the site
 * moves); methods named in `reads` change nothing;
 * every other method — including ones added later — counts as a write of the whole site, so a
 * new write path can never leave a stale page behind.
 */
export function versionedStore<T extends object>(
  store: T,
  versions: DataVersions,
  { reads, vote }: { reads: ReadonlySet<string>; vote?: string },
): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || reads.has(property)) return value;
      const method = value as (...args: unknown[]) => unknown;
      return async (...args: unknown[]) => {
        try {
          const outcome = await method.apply(target, args);
          // A refused vote carries no poll but may still change one (its count of refused repeats).
          const poll = property === vote ? (outcome as { poll?: { slug?: unknown } } | null)?.poll : undefined;
          if (typeof poll?.slug === 'string') versions.voteRecorded(poll.slug);
          else versions.siteChanged();
          return outcome;
        } catch (error) {
          // A failed write may still have changed something (a refusal counted, say): be safe.
          versions.siteChanged();
          throw error;
        }
      };
    },
  });
}

/** A page's words about time ("in 3 hours", a status) are rendered to the minute. */
const WORDS_HOLD_MS = 60_000;

/**
 * Until when a page rendered at `now` says nothing untrue about time: the next of the poll's own
 * instants (it opens, it closes, results show), and at most a minute for relative words.
 */
export function wordsHoldUntil(now: number, ...instants: (number | null)[]): number {
  return Math.min(now + WORDS_HOLD_MS, ...instants.filter((at): at is number => at !== null && at > now));
}
