/**
 * Live survey results over a real store (SQLite, or PostgreSQL in the `postgres` project): a recorded submission reaches the survey's
 * watchers (one coalesced event) and the watchers of each question it answered; the visibility
 * and deletion rules are a poll's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveResults, reportingSurveyChanges, type Watcher } from '@/lib/live-results';
import { preparePoll } from '@/lib/poll-admin';
import type { SurveyRecord, SurveyResults, SurveyStore } from '@/lib/survey-types';
import { openTempStores, type TempStores } from '../support/temp-db';

class Recorder implements Watcher {
  events: SurveyResults[] = [];
  closed = false;
  results(json: string) {
    this.events.push(JSON.parse(json) as SurveyResults);
  }
  heartbeat() {}
  close() {
    this.closed = true;
  }
}

const question = (input: { slug: string } & Record<string, unknown>, page: number) => {
  const { fields, options } = preparePoll(input);
  return { fields: { ...fields, slug: input.slug }, options, page, required: false };
};

/**
 * The store reads LiveResults has started and that are not answered yet: PostgreSQL answers over
 * a socket, not within the microtasks fake timers flush, so `advance` waits for them.
 */
const inflight = new Set<Promise<unknown>>();
function tracked<T extends object>(store: T): T {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) {
          inflight.add(result);
          result.then(
            () => inflight.delete(result),
            () => inflight.delete(result),
          );
        }
        return result;
      };
    },
  });
}

let t: TempStores;
let live: LiveResults;
let surveyStore: SurveyStore;
let survey: SurveyRecord;
let clock: number;

beforeEach(async () => {
  vi.useFakeTimers();
  clock = Date.parse('2026-11-27T08:00:00Z');
  t = await openTempStores();
  live = new LiveResults({
    store: tracked(t.store),
    surveyStore: tracked(t.surveyStore),
    maxStreams: 3,
    now: () => clock,
  });
  surveyStore = reportingSurveyChanges(t.surveyStore, live);
  const created = await surveyStore.createSurvey(
    {
      slug: 'live',
      title: 'Live',
      description: '',
      status: 'open',
      opensAt: null,
      closesAt: null,
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
      profile: [],
    },
    [
      question({ slug: 'live-1', question: 'One?', options: ['A', 'B'] }, 0),
      question({ slug: 'live-2', question: 'Two?', options: ['C', 'D'] }, 1),
    ],
    clock,
  );
  if (!('id' in created)) throw new Error('slug taken');
  survey = created;
});
afterEach(async () => {
  live.closeAll();
  vi.useRealTimers();
  await t.cleanup();
});

/** A new response to page 1 (and page 2 when `both`). */
async function submit(both = false) {
  const [one, two] = survey.questions.map((q) => q.poll);
  const answer = (poll: typeof one) => ({
    pollId: poll!.id,
    optionIds: [poll!.options[0]!.id],
    ranking: null,
    otherText: null,
    deviceKey: null,
  });
  const outcome = await surveyStore.recordSubmission({
    surveyId: survey.id,
    responseId: null,
    pages: both ? [0, 1] : [0],
    answers: both ? [answer(one), answer(two)] : [answer(one)],
    profile: {},
    createdAt: clock,
    source: 'api',
    deviceKey: null,
    lockKeys: [],
    checkedAgainst: survey.updatedAt,
  });
  expect(outcome.outcome).toBe('recorded');
}

async function advance(ms: number) {
  clock += ms;
  await vi.advanceTimersByTimeAsync(ms);
  // The events' reads, and what each answer starts next (the results build reads more).
  while (inflight.size > 0) {
    await Promise.allSettled([...inflight]);
    await vi.advanceTimersByTimeAsync(0);
  }
}

describe('live survey results', () => {
  it('a burst of submissions is one event with the survey’s results, then at most one a second', async () => {
    const watcher = new Recorder();
    expect(typeof live.watch('live', survey.id, false, watcher, 'survey')).toBe('function');
    for (let i = 0; i < 4; i++) await submit(i % 2 === 0);
    await advance(0);
    expect(watcher.events).toHaveLength(1);
    expect(watcher.events[0]).toMatchObject({ slug: 'live', totalResponses: 4 });
    expect(watcher.events[0]!.funnel).toEqual([
      { page: 1, reached: 4, completed: 4 },
      { page: 2, reached: 4, completed: 2 },
    ]);
    expect(watcher.events[0]!.completion).toMatchObject({ started: 4, finished: 2, rate: 0.5 });
    await submit();
    await advance(500);
    expect(watcher.events).toHaveLength(1);
    await advance(500);
    expect(watcher.events.map((e) => e.totalResponses)).toEqual([4, 5]);
  });

  it('reports each question a submission answered to that question’s own watchers', async () => {
    const one = new Recorder();
    const two = new Recorder();
    live.watch('live-1', survey.questions[0]!.poll.id, false, one);
    live.watch('live-2', survey.questions[1]!.poll.id, false, two);
    await submit(false);
    await advance(0);
    expect(one.events.map((e) => (e as unknown as { totalResponses: number }).totalResponses)).toEqual([1]);
    expect(two.events).toHaveLength(0);
    await advance(1000);
    await submit(true);
    await advance(1000);
    expect(one.events).toHaveLength(2);
    expect(two.events).toHaveLength(1);
  });

  it('survey and poll streams share MAX_STREAMS; a slug of each kind is its own watch', async () => {
    const stops = [
      live.watch('live', survey.id, false, new Recorder(), 'survey'),
      live.watch('live-1', survey.questions[0]!.poll.id, false, new Recorder()),
      live.watch('live', 999, false, new Recorder()),
    ];
    expect(stops.every((stop) => typeof stop === 'function')).toBe(true);
    expect(live.watch('live', survey.id, false, new Recorder(), 'survey')).toBe('full');
    (stops[2] as () => void)();
    expect(typeof live.watch('live', survey.id, false, new Recorder(), 'survey')).toBe('function');
  });

  it('an edit that hides the results ends the streams of watchers who may no longer see it; deleting ends all', async () => {
    const hiddenAfterEdit = new Recorder();
    live.watch('live', survey.id, false, hiddenAfterEdit, 'survey');
    const updated = await surveyStore.updateSurvey(survey.id, { resultsVisibility: 'after_vote' }, { now: clock });
    expect(typeof updated).toBe('object');
    await advance(0);
    expect(hiddenAfterEdit.closed).toBe(true);
    const responded = new Recorder();
    const question = new Recorder();
    live.watch('live', survey.id, true, responded, 'survey');
    live.watch('live-1', survey.questions[0]!.poll.id, true, question);
    expect(await surveyStore.deleteSurvey(survey.id, clock)).toBe(true);
    expect(responded.closed).toBe(true);
    expect(question.closed).toBe(true);
  });
});
