/**
 * Live results (SPEC.md, "Live results"): who watches which poll, and one results event per poll
 * at most every second however many votes arrive. The hub is framework-free: it hands each
 * watcher a ready JSON string (built once per event, not once per watcher) and knows nothing of
 * HTTP; src/http/event-stream.ts turns a watcher into a Server-Sent Events response.
 */
import { isPublic, resultsHiddenReason } from './poll-rules';
import { rankedCounts } from './ranked-count';
import { buildResults } from './results';
import type { PollStore } from './store';
import type { PollRecord } from './types';

export const DEFAULT_MAX_STREAMS = 10_000;
/** Changes are coalesced into at most one event per poll per this many milliseconds. */
export const MIN_EVENT_INTERVAL_MS = 1000;
/** A comment line this often keeps proxies from closing a quiet stream. */
export const HEARTBEAT_MS = 25_000;

export interface Watcher {
  /** The Results JSON of the poll, as it is now. */
  results(json: string): void;
  /** A comment line: nothing changed, the connection is alive. */
  heartbeat(): void;
  /** The stream ends: the results became hidden, the poll went away, or the server stops. */
  close(): void;
}

interface Watched {
  watcher: Watcher;
  /** The browser had voted when it started watching (it still has: votes are not taken back). */
  voted: boolean;
}

interface PollWatch {
  /** The poll the watchers started on: a later poll given the same slug is not theirs. */
  pollId: number;
  watchers: Set<Watched>;
  lastEventAt: number;
  timer: ReturnType<typeof setTimeout> | null;
}

export interface LiveResultsOptions {
  store: Pick<PollStore, 'findPoll' | 'rankingTallies'>;
  maxStreams: number;
  now?: () => number;
  minIntervalMs?: number;
  heartbeatMs?: number;
}

export class LiveResults {
  private readonly polls = new Map<string, PollWatch>();
  private open = 0;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly now: () => number;
  private readonly minIntervalMs: number;

  constructor(private readonly options: LiveResultsOptions) {
    this.now = options.now ?? Date.now;
    this.minIntervalMs = options.minIntervalMs ?? MIN_EVENT_INTERVAL_MS;
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Open streams on this process. */
  get streams(): number {
    return this.open;
  }

  /**
   * Starts watching a poll whose results the visitor may see now; 'full' when MAX_STREAMS are
   * open. Returns the function that stops watching (call it when the client goes away).
   */
  watch(slug: string, pollId: number, voted: boolean, watcher: Watcher): (() => void) | 'full' {
    if (this.open >= this.options.maxStreams) return 'full';
    const existing = this.polls.get(slug);
    // Watchers of a deleted poll whose slug was taken again end here rather than see the new one.
    if (existing && existing.pollId !== pollId) this.endWatch(slug, existing);
    const watch = this.polls.get(slug) ?? { pollId, watchers: new Set(), lastEventAt: 0, timer: null };
    this.polls.set(slug, watch);
    const watched = { watcher, voted };
    watch.watchers.add(watched);
    this.open++;
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      this.open--;
      watch.watchers.delete(watched);
      if (watch.watchers.size === 0) {
        if (watch.timer) clearTimeout(watch.timer);
        this.polls.delete(slug);
      }
    };
  }

  /** A vote or an edit changed the poll: its watchers get one event, at most every second. */
  changed(slug: string): void {
    const watch = this.polls.get(slug);
    if (!watch || watch.timer) return;
    const delay = Math.max(0, watch.lastEventAt + this.minIntervalMs - this.now());
    // Even "now" waits for the next turn of the event loop, so a burst in one tick is one event.
    watch.timer = setTimeout(() => void this.emit(slug, watch), delay);
  }

  /** The poll was deleted: its streams end. */
  deleted(pollId: number): void {
    for (const [slug, watch] of this.polls) if (watch.pollId === pollId) this.endWatch(slug, watch);
  }

  private endWatch(slug: string, watch: PollWatch): void {
    if (watch.timer) clearTimeout(watch.timer);
    for (const { watcher } of [...watch.watchers]) watcher.close();
    this.polls.delete(slug);
  }

  /** Ends every stream (shutdown): clients reconnect to whichever process serves them next. */
  closeAll(): void {
    clearInterval(this.heartbeat);
    for (const watch of this.polls.values()) {
      if (watch.timer) clearTimeout(watch.timer);
      for (const { watcher } of [...watch.watchers]) watcher.close();
    }
    this.polls.clear();
    this.open = 0;
  }

  private async emit(slug: string, watch: PollWatch): Promise<void> {
    watch.lastEventAt = this.now();
    let poll: PollRecord | null;
    try {
      poll = await this.options.store.findPoll(slug);
    } catch {
      // The database is unavailable: keep the streams, try again on the next change.
      watch.timer = null;
      return;
    }
    watch.timer = null;
    const now = this.now();
    const shownTo = (voted: boolean) =>
      poll !== null &&
      poll.id === watch.pollId &&
      isPublic(poll.status) &&
      resultsHiddenReason(poll, { hasVoted: voted }, now) === null;
    let json: string | null = null;
    if (poll !== null && (shownTo(true) || shownTo(false))) {
      try {
        // One count for all of the poll's watchers (kept and shared, src/lib/ranked-count.ts).
        json = JSON.stringify(buildResults(poll, now, await rankedCounts.count(this.options.store, poll)));
      } catch {
        // The database is unavailable: keep the streams, try again on the next change.
        return;
      }
    }
    for (const { watcher, voted } of [...watch.watchers]) {
      if (json !== null && shownTo(voted)) watcher.results(json);
      else watcher.close();
    }
  }

  private beat(): void {
    for (const watch of this.polls.values()) for (const { watcher } of watch.watchers) watcher.heartbeat();
  }
}

/**
 * The store with every change a watcher should see reported to the hub: recorded votes and
 * owner edits (closing a poll changes its status in the results).
 */
export function reportingChanges<T extends Pick<PollStore, 'recordVote' | 'updatePoll' | 'deletePoll'>>(
  store: T,
  live: LiveResults,
): T {
  return {
    ...store,
    async recordVote(vote) {
      const outcome = await store.recordVote(vote);
      if (outcome.outcome === 'recorded') live.changed(outcome.poll.slug);
      return outcome;
    },
    async updatePoll(id, fields, change) {
      const updated = await store.updatePoll(id, fields, change);
      if (typeof updated === 'object') live.changed(updated.slug);
      return updated;
    },
    async deletePoll(id, now, audit) {
      const deleted = await store.deletePoll(id, now, audit);
      if (deleted) live.deleted(id);
      return deleted;
    },
  };
}
