/**
 * The instant-runoff count of a ranked poll, read when results are built — not with every read
 * of the poll (the home page, the poll page and each vote's transaction need no count).
 *
 * A count reads every distinct ranking the poll has received. That is flat in the number of
 * ballots but grows with the number of different orders: four options have at most 64, while a
 * ten-option poll can collect tens of thousands, and a count then takes a noticeable share of a
 * second. So each poll's latest count is kept, keyed by the poll's state (response count and
 * update time), and shared by every reader of that state; while votes keep arriving, a poll
 * whose count is slow is recounted at most once per `RECOUNT_FACTOR` × its cost (never more
 * often than once a second), so readers may see a count up to that old — the server's time
 * stays with its other work. A quick count (the usual poll) is always exact.
 */
import { instantRunoff, type IrvResult } from './irv';
import type { PollStore } from './store';
import type { PollRecord } from './types';

/** Counts faster than this are redone for every new state: exact results for ordinary polls. */
export const QUICK_COUNT_MS = 25;
/**
 * Only a poll with at least this many distinct rankings can count as slow: a small poll's count
 * that took long because the machine was busy is still done afresh, so its results stay exact.
 */
export const MIN_SLOW_RANKINGS = 1000;
/** A slow count is reused until this many times its own cost has passed (and at least a second). */
export const RECOUNT_FACTOR = 10;
const MIN_REUSE_MS = 1000;
/** Polls whose latest count is kept; the least recently read go first. */
const MAX_POLLS = 256;

interface KeptCount {
  state: string;
  responses: number;
  result: Promise<IrvResult>;
  /** When the count finished, and how long it took (ms); NaN while it runs. */
  doneAt: number;
  cost: number;
  /** How long the poll's count before this one took (ms); NaN when there was none. */
  previousCost: number;
}

export class RankedCounts {
  /**
   * Per database, the latest count of each poll (poll ids are per database). Keyed by the
   * store's `rankingTallies` function: the app's store and its wrappers (reportingChanges)
   * share it, while each test database has its own.
   */
  private readonly byDatabase = new WeakMap<object, Map<number, KeptCount>>();

  constructor(
    private readonly clock: () => number = () => performance.now(),
    private readonly minSlowRankings = MIN_SLOW_RANKINGS,
  ) {}

  /** The poll's runoff count (undefined unless it is ranked), kept and shared as described above. */
  async count(store: Pick<PollStore, 'rankingTallies'>, poll: PollRecord): Promise<IrvResult | undefined> {
    if (poll.type !== 'ranked') return undefined;
    const kept = this.keptFor(store);
    const state = `${poll.responseCount}:${poll.updatedAt}`;
    const hit = kept.get(poll.id);
    if (hit) {
      kept.delete(poll.id);
      kept.set(poll.id, hit);
      if (hit.state === state || this.stillFresh(hit, poll)) return hit.result;
    }
    const started = this.clock();
    const entry: KeptCount = {
      state,
      responses: poll.responseCount,
      doneAt: NaN,
      cost: NaN,
      previousCost: hit ? (Number.isNaN(hit.cost) ? hit.previousCost : hit.cost) : NaN,
      result: null!,
    };
    entry.result = store.rankingTallies(poll.id).then((tallies) => {
      const result = instantRunoff(
        poll.options.map((option) => option.key),
        tallies,
      );
      entry.doneAt = this.clock();
      // A busy machine makes small counts look slow; only a large one may be reused.
      entry.cost = tallies.length >= this.minSlowRankings ? entry.doneAt - started : 0;
      return result;
    });
    kept.set(poll.id, entry);
    if (kept.size > MAX_POLLS) kept.delete(kept.keys().next().value!);
    // A failed read is not kept: the next reader tries again.
    entry.result.catch(() => kept.get(poll.id) === entry && kept.delete(poll.id));
    return entry.result;
  }

  private keptFor(store: Pick<PollStore, 'rankingTallies'>): Map<number, KeptCount> {
    let kept = this.byDatabase.get(store.rankingTallies);
    if (!kept) this.byDatabase.set(store.rankingTallies, (kept = new Map()));
    return kept;
  }

  /**
   * A slow count of the same poll with votes, not older than its reuse time. Only votes can have
   * come since: options change only while a poll has none, and poll ids are never reused.
   */
  private stillFresh(hit: KeptCount, poll: PollRecord): boolean {
    // A count still running is shared only when the one before it was slow too.
    if (Number.isNaN(hit.doneAt)) {
      return hit.previousCost >= QUICK_COUNT_MS && hit.responses > 0 && poll.responseCount >= hit.responses;
    }
    return (
      hit.cost >= QUICK_COUNT_MS &&
      hit.responses > 0 &&
      poll.responseCount >= hit.responses &&
      this.clock() - hit.doneAt < Math.max(MIN_REUSE_MS, hit.cost * RECOUNT_FACTOR)
    );
  }
}

/** The process's counts, shared by every results surface. */
export const rankedCounts = new RankedCounts();
