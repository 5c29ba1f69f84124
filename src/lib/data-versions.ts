/**
 * Versions of what pages are rendered from, so a rendered page can be reused until the data
 * under it changes — invalidated by the write itself, never by a timer. Writes are numbered; a
 * vote moves only its poll (and the pages of every poll), any other write (an owner's edit, an
 * import, a survey submission, a setting) the whole site.
 */
export class DataVersions {
  /** Every write so far, numbered. */
  private seq = 0;
  private siteAt = 0;
  private votesAt = 0;
  private readonly polls = new Map<number, number>();

  /** The number of the last write so far (a page rendered after it sees it). */
  get writes(): number {
    return this.seq;
  }

  /** The number of the last write that may change a page of poll `id` ('*': a page of every poll). */
  lastWrite(poll: number | '*'): number {
    return Math.max(this.siteAt, poll === '*' ? this.votesAt : (this.polls.get(poll) ?? 0));
  }

  /** A vote was recorded or refused (a refusal moves the poll's count of refused repeats). */
  voteOn(poll: number): void {
    this.votesAt = ++this.seq;
    this.polls.set(poll, this.seq);
  }

  siteChanged(): void {
    this.siteAt = ++this.seq;
  }
}

/**
 * Wraps a store so every call that may write moves a version: `vote` names the method whose
 * first argument names the voted poll (`{ pollId }`), which moves that poll only; methods named in `reads` change nothing;
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
          // A vote, recorded or refused, changes its own poll only (a refusal: its count of refused repeats).
          const poll = property === vote ? (args[0] as { pollId?: unknown } | undefined)?.pollId : undefined;
          if (typeof poll === 'number') versions.voteOn(poll);
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
