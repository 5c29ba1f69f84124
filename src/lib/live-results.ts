/**
 * Live results (SPEC.md, "Live results"): who watches which poll or survey, and one results event
 * per poll (survey) at most every second however many votes (submissions) arrive. The hub is framework-free: it hands each
 * watcher a ready JSON string (built once per event, not once per watcher) and knows nothing of
 * HTTP; src/http/event-stream.ts turns a watcher into a Server-Sent Events response.
 */
import { isPublic, resultsHiddenReason } from './poll-rules';
import { rankedCounts } from './ranked-count';
import { buildResults } from './results';
import type { PollStore } from './store';
import { buildSurveyResults, surveyHiddenReason } from './survey-results';
import type { SurveyRecord, SurveyStore } from './survey-types';
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
  /**
   * The browser had voted (has a response in the survey) when it started watching; it still has:
   * votes and responses are not taken back.
   */
  voted: boolean;
}

/** What is watched: a poll's results, or a survey's (polls and surveys have separate slugs). */
export type WatchKind = 'poll' | 'survey';

interface Watch {
  kind: WatchKind;
  slug: string;
  /** The poll (survey) the watchers started on: a later one given the same slug is not theirs. */
  id: number;
  watchers: Set<Watched>;
  lastEventAt: number;
  timer: ReturnType<typeof setTimeout> | null;
}

export interface LiveResultsOptions {
  store: Pick<PollStore, 'findPoll' | 'rankingTallies'>;
  /** Survey streams read here; without it a survey watch sees no events (its watchers get heartbeats only). */
  surveyStore?: Pick<SurveyStore, 'findSurvey' | 'funnel'>;
  maxStreams: number;
  now?: () => number;
  minIntervalMs?: number;
  heartbeatMs?: number;
}

const keyOf = (kind: WatchKind, slug: string) => `${kind}\0${slug}`;

export class LiveResults {
  private readonly watches = new Map<string, Watch>();
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
   * Starts watching a poll (or, with kind 'survey', a survey) whose results the visitor may see
   * now; 'full' when MAX_STREAMS are open — polls and surveys share the limit. Returns the
   * function that stops watching (call it when the client goes away).
   */
  watch(slug: string, id: number, voted: boolean, watcher: Watcher, kind: WatchKind = 'poll'): (() => void) | 'full' {
    if (this.open >= this.options.maxStreams) return 'full';
    const key = keyOf(kind, slug);
    const existing = this.watches.get(key);
    // Watchers of a deleted poll whose slug was taken again end here rather than see the new one.
    if (existing && existing.id !== id) this.endWatch(existing);
    const watch = this.watches.get(key) ?? { kind, slug, id, watchers: new Set(), lastEventAt: 0, timer: null };
    this.watches.set(key, watch);
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
        if (this.watches.get(key) === watch) this.watches.delete(key);
      }
    };
  }

  /** A vote or an edit changed the poll: its watchers get one event, at most every second. */
  changed(slug: string, kind: WatchKind = 'poll'): void {
    const watch = this.watches.get(keyOf(kind, slug));
    if (!watch || watch.timer) return;
    const delay = Math.max(0, watch.lastEventAt + this.minIntervalMs - this.now());
    // Even "now" waits for the next turn of the event loop, so a burst in one tick is one event.
    watch.timer = setTimeout(() => void this.emit(watch), delay);
  }

  /** A submission or an edit changed the survey: as `changed`, for its watchers. */
  surveyChanged(slug: string): void {
    this.changed(slug, 'survey');
  }

  /** The poll (with kind 'survey': the survey) was deleted: its streams end. */
  deleted(id: number, kind: WatchKind = 'poll'): void {
    for (const watch of [...this.watches.values()]) if (watch.kind === kind && watch.id === id) this.endWatch(watch);
  }

  private endWatch(watch: Watch): void {
    if (watch.timer) clearTimeout(watch.timer);
    for (const { watcher } of [...watch.watchers]) watcher.close();
    const key = keyOf(watch.kind, watch.slug);
    if (this.watches.get(key) === watch) this.watches.delete(key);
  }

  /** Ends every stream (shutdown): clients reconnect to whichever process serves them next. */
  closeAll(): void {
    clearInterval(this.heartbeat);
    for (const watch of this.watches.values()) {
      if (watch.timer) clearTimeout(watch.timer);
      for (const { watcher } of [...watch.watchers]) watcher.close();
    }
    this.watches.clear();
    this.open = 0;
  }

  private async emit(watch: Watch): Promise<void> {
    if (watch.kind === 'survey') return this.emitSurvey(watch);
    watch.lastEventAt = this.now();
    let poll: PollRecord | null;
    try {
      poll = await this.options.store.findPoll(watch.slug);
    } catch {
      // The database is unavailable: keep the streams, try again on the next change.
      watch.timer = null;
      return;
    }
    watch.timer = null;
    const now = this.now();
    const shownTo = (voted: boolean) =>
      poll !== null &&
      poll.id === watch.id &&
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

  /** As for a poll: one SurveyResults JSON (no breakdown) for all watchers who may see it; the others' streams end. */
  private async emitSurvey(watch: Watch): Promise<void> {
    watch.lastEventAt = this.now();
    const { surveyStore } = this.options;
    if (!surveyStore) {
      watch.timer = null;
      return;
    }
    let survey: SurveyRecord | null;
    try {
      survey = await surveyStore.findSurvey(watch.slug);
    } catch {
      watch.timer = null;
      return;
    }
    watch.timer = null;
    const now = this.now();
    const shownTo = (responded: boolean) =>
      survey !== null &&
      survey.id === watch.id &&
      isPublic(survey.status) &&
      surveyHiddenReason(survey, { responded }, now) === null;
    let json: string | null = null;
    if (survey !== null && (shownTo(true) || shownTo(false))) {
      try {
        json = JSON.stringify(await buildSurveyResults({ store: this.options.store, surveyStore, now }, survey));
      } catch {
        return;
      }
    }
    for (const { watcher, voted } of [...watch.watchers]) {
      if (json !== null && shownTo(voted)) watcher.results(json);
      else watcher.close();
    }
  }

  private beat(): void {
    for (const watch of this.watches.values()) for (const { watcher } of watch.watchers) watcher.heartbeat();
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

/**
 * The survey store with every change a watcher should see reported to the hub: a recorded
 * submission reports the survey and every question of the pages it submitted (their own results
 * pages are live too: an answer is a vote of the question's poll, and a replaced answer moves its
 * tallies); an edit reports the survey and all its questions; a deletion ends their streams.
 */
export function reportingSurveyChanges<
  T extends Pick<SurveyStore, 'recordSubmission' | 'updateSurvey' | 'deleteSurvey' | 'listSurveys'>,
>(surveyStore: T, live: LiveResults): T {
  return {
    ...surveyStore,
    async recordSubmission(submission) {
      const outcome = await surveyStore.recordSubmission(submission);
      if (outcome.outcome === 'recorded') {
        const { survey } = outcome;
        live.surveyChanged(survey.slug);
        const pages = new Set(submission.pages);
        const answered = new Set(submission.answers.map((answer) => answer.pollId));
        for (const question of survey.questions) {
          // Live results carry no breakdown, so a profile re-filing the other pages' answers moves nothing shown.
          if (pages.has(question.page) || answered.has(question.poll.id)) {
            live.changed(question.poll.slug);
          }
        }
      }
      return outcome;
    },
    async updateSurvey(id, fields, change) {
      const updated = await surveyStore.updateSurvey(id, fields, change);
      if (typeof updated === 'object' && 'questions' in updated) {
        live.surveyChanged(updated.slug);
        for (const question of updated.questions) live.changed(question.poll.slug);
      }
      return updated;
    },
    async deleteSurvey(id, now, audit) {
      // The questions' ids, to end their streams too (read only for this rare owner action).
      const before = (await surveyStore.listSurveys()).find((survey) => survey.id === id);
      const deleted = await surveyStore.deleteSurvey(id, now, audit);
      if (deleted) {
        live.deleted(id, 'survey');
        for (const question of before?.questions ?? []) live.deleted(question.poll.id);
      }
      return deleted;
    },
  };
}
