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
/**
 * Watchers written to per turn of the event loop. Writing one event to 10,000 sockets takes
 * ~100 ms of CPU; done at once it would hold every vote waiting behind it for that long. In
 * slices of this many, a vote waits for one slice at most (a few ms).
 */
export const FANOUT_SLICE = 500;

const encoder = new TextEncoder();
/** The Server-Sent Events frame of a results event: built once per event, written to every watcher. */
export const resultsFrame = (json: string): Uint8Array => encoder.encode(`event: results\ndata: ${json}\n\n`);
/** A comment line: nothing changed, the connection is alive. One buffer for every heartbeat. */
export const HEARTBEAT_FRAME: Uint8Array = encoder.encode(': keep-alive\n\n');

export interface Watcher {
  /**
   * The Results JSON of the poll, as it is now, and the same as a ready Server-Sent Events frame
   * (`event: results`). Both are shared by every watcher of the poll: write them, never change them.
   */
  results(json: string, frame: Uint8Array): void;
  /** Nothing changed, the connection is alive; `frame` is the shared comment line to write. */
  heartbeat(frame: Uint8Array): void;
  /** The stream ends: the results became hidden, the poll went away, or the server stops. */
  close(): void;
}

/** What is watched: a poll's results, or a survey's (polls and surveys have separate slugs). */
export type WatchKind = 'poll' | 'survey';

interface Watch {
  kind: WatchKind;
  slug: string;
  /** The poll (survey) the watchers started on: a later one given the same slug is not theirs. */
  id: number;
  /**
   * The watchers, by whether the browser had voted (had a response in the survey) when it started
   * watching; it still has: votes and responses are not taken back. Two sets, so a watcher needs
   * no wrapper object and an event decides visibility twice, not once per watcher.
   */
  voted: Set<Watcher>;
  others: Set<Watcher>;
  lastEventAt: number;
  timer: ReturnType<typeof setTimeout> | null;
  /** The fan-out of the last event, while it is still being written: the next waits for it (order). */
  writing: Promise<void> | null;
}

/**
 * A change the streams react to, as one instance tells the others (several instances on
 * PostgreSQL: db/pg/change-feed.ts): a poll's (survey's) results changed, or it was deleted.
 */
export type LiveChange =
  { type: 'changed'; kind: WatchKind; slug: string } | { type: 'deleted'; kind: WatchKind; id: number };

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
const size = (watch: Watch) => watch.voted.size + watch.others.size;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Gives every watcher in `watchers` the event (or, when `event` is null, ends its stream), in
 * slices of FANOUT_SLICE with a turn of the event loop between them. A watcher that left
 * meanwhile (no longer in `current`) is skipped.
 */
async function deliver(
  watchers: Watcher[],
  current: Set<Watcher>,
  event: { json: string; frame: Uint8Array } | null,
): Promise<void> {
  for (let from = 0; from < watchers.length; from += FANOUT_SLICE) {
    if (from > 0) await nextTurn();
    const to = Math.min(from + FANOUT_SLICE, watchers.length);
    for (let i = from; i < to; i++) {
      const watcher = watchers[i]!;
      if (!current.has(watcher)) continue;
      if (event) watcher.results(event.json, event.frame);
      else watcher.close();
    }
  }
}

export class LiveResults {
  private readonly watches = new Map<string, Watch>();
  private open = 0;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private readonly heartbeatMs: number;

  constructor(private readonly options: LiveResultsOptions) {
    this.now = options.now ?? Date.now;
    this.minIntervalMs = options.minIntervalMs ?? MIN_EVENT_INTERVAL_MS;
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    // One timer for every stream on the process, not one per stream.
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
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
    let watch = this.watches.get(key);
    if (!watch) {
      watch = { kind, slug, id, voted: new Set(), others: new Set(), lastEventAt: 0, timer: null, writing: null };
      this.watches.set(key, watch);
    }
    const set = voted ? watch.voted : watch.others;
    // The same watcher object twice would be one stream counted twice; it is one watch.
    if (set.has(watcher)) return () => this.unwatch(key, watch, set, watcher);
    set.add(watcher);
    this.open++;
    return () => this.unwatch(key, watch, set, watcher);
  }

  private unwatch(key: string, watch: Watch, set: Set<Watcher>, watcher: Watcher): void {
    // Stopping twice (the client left, then the hub closed it) frees one place only.
    if (!set.delete(watcher)) return;
    this.open--;
    if (size(watch) === 0) {
      if (watch.timer) clearTimeout(watch.timer);
      watch.timer = null;
      if (this.watches.get(key) === watch) this.watches.delete(key);
    }
  }

  /**
   * Where this process's changes also go, for the streams of other instances (the app sets it on
   * PostgreSQL); null: nowhere. Changes received from others come in through `apply`.
   */
  relay: ((change: LiveChange) => void) | null = null;

  /** A vote or an edit changed the poll: its watchers get one event, at most every second. */
  changed(slug: string, kind: WatchKind = 'poll'): void {
    this.relay?.({ type: 'changed', kind, slug });
    this.refresh(slug, kind);
  }

  /** A change another instance made: the streams here react as to their own; nothing is relayed. */
  apply(change: LiveChange): void {
    if (change.type === 'changed') this.refresh(change.slug, change.kind);
    else this.end(change.id, change.kind);
  }

  /**
   * Anything may have changed (changes of other instances may have been missed: their feed
   * reconnected): every poll and survey watched gets an event, and a deleted one's streams end.
   */
  changedAll(): void {
    for (const watch of [...this.watches.values()]) this.refresh(watch.slug, watch.kind);
  }

  private refresh(slug: string, kind: WatchKind): void {
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
    this.relay?.({ type: 'deleted', kind, id });
    this.end(id, kind);
  }

  private end(id: number, kind: WatchKind): void {
    for (const watch of [...this.watches.values()]) if (watch.kind === kind && watch.id === id) this.endWatch(watch);
  }

  private endWatch(watch: Watch): void {
    if (watch.timer) clearTimeout(watch.timer);
    watch.timer = null;
    for (const watcher of [...watch.voted, ...watch.others]) watcher.close();
    const key = keyOf(watch.kind, watch.slug);
    if (this.watches.get(key) === watch) this.watches.delete(key);
  }

  /** Ends every stream (shutdown): clients reconnect to whichever process serves them next. */
  closeAll(): void {
    clearInterval(this.heartbeat);
    for (const watch of this.watches.values()) {
      if (watch.timer) clearTimeout(watch.timer);
      watch.timer = null;
      for (const watcher of [...watch.voted, ...watch.others]) watcher.close();
    }
    this.watches.clear();
    this.open = 0;
  }

  /**
   * Reads the poll (survey) once and builds its JSON once for all of its watchers; each set gets it
   * when it may see it, and otherwise its streams end.
   */
  private async emit(watch: Watch): Promise<void> {
    watch.lastEventAt = this.now();
    let event: { shownToVoted: boolean; shownToOthers: boolean; json: string | null } | null;
    try {
      event = watch.kind === 'survey' ? await this.surveyEvent(watch) : await this.pollEvent(watch);
    } catch {
      // The database is unavailable: keep the streams, try again on the next change.
      watch.timer = null;
      return;
    }
    watch.timer = null;
    if (event === null) return;
    // The previous event's fan-out first: a watcher must never get an older event after a newer one.
    if (watch.writing) await watch.writing;
    const shared = event.json === null ? null : { json: event.json, frame: resultsFrame(event.json) };
    const sends: Promise<void>[] = [];
    for (const [set, shown] of [
      [watch.voted, event.shownToVoted],
      [watch.others, event.shownToOthers],
    ] as const) {
      if (set.size > 0) sends.push(deliver([...set], set, shown ? shared : null));
    }
    const writing = Promise.all(sends).then(() => undefined);
    watch.writing = writing;
    await writing;
    if (watch.writing === writing) watch.writing = null;
  }

  private async pollEvent(watch: Watch) {
    const poll: PollRecord | null = await this.options.store.findPoll(watch.slug);
    const now = this.now();
    const shownTo = (voted: boolean) =>
      poll !== null &&
      poll.id === watch.id &&
      isPublic(poll.status) &&
      resultsHiddenReason(poll, { hasVoted: voted }, now) === null;
    const shownToVoted = shownTo(true);
    const shownToOthers = shownTo(false);
    // One count for all of the poll's watchers (kept and shared, src/lib/ranked-count.ts).
    const json =
      poll !== null && (shownToVoted || shownToOthers)
        ? JSON.stringify(buildResults(poll, now, await rankedCounts.count(this.options.store, poll)))
        : null;
    return { shownToVoted, shownToOthers, json };
  }

  /** As for a poll: one SurveyResults JSON (no breakdown) for all watchers who may see it. */
  private async surveyEvent(watch: Watch) {
    const { surveyStore } = this.options;
    // Without a survey store there is nothing to send: the watchers keep their streams (heartbeats only).
    if (!surveyStore) return null;
    const survey: SurveyRecord | null = await surveyStore.findSurvey(watch.slug);
    const now = this.now();
    const shownTo = (responded: boolean) =>
      survey !== null &&
      survey.id === watch.id &&
      isPublic(survey.status) &&
      surveyHiddenReason(survey, { responded }, now) === null;
    const shownToVoted = shownTo(true);
    const shownToOthers = shownTo(false);
    const json =
      survey !== null && (shownToVoted || shownToOthers)
        ? JSON.stringify(await buildSurveyResults({ store: this.options.store, surveyStore, now }, survey))
        : null;
    return { shownToVoted, shownToOthers, json };
  }

  /**
   * The shared heartbeat: one comment line to every stream of a poll that had no event within the
   * last interval (an event is proof of life enough).
   */
  private beat(): void {
    const quietSince = this.now() - this.heartbeatMs;
    for (const watch of this.watches.values()) {
      if (watch.lastEventAt > quietSince) continue;
      for (const watcher of watch.voted) watcher.heartbeat(HEARTBEAT_FRAME);
      for (const watcher of watch.others) watcher.heartbeat(HEARTBEAT_FRAME);
    }
  }
}

/**
 * The store with every change a watcher should see reported to the hub: recorded votes and
 * owner edits (closing a poll changes its status in the results).
 */
export function reportingChanges<
  T extends Pick<PollStore, 'recordVote' | 'updatePoll' | 'deletePoll' | 'quarantineBurst' | 'restoreQuarantine'>,
>(store: T, live: LiveResults): T {
  return {
    ...store,
    // A quarantine or its restoring changes the public counts as much as a vote does.
    async quarantineBurst(...args) {
      const outcome = await store.quarantineBurst(...args);
      if (outcome.outcome === 'done') live.changed(outcome.pollSlug);
      return outcome;
    },
    async restoreQuarantine(...args) {
      const outcome = await store.restoreQuarantine(...args);
      if (outcome.outcome === 'done') live.changed(outcome.pollSlug);
      return outcome;
    },
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
