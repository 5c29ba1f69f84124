/**
 * A survey submission in one PostgreSQL transaction, the port of db/sqlite-survey-submissions.ts:
 * the response (created with its survey-level locks, or found), its answers on the submitted pages
 * replaced — old votes withdrawn with every tally they moved, new ones counted through the same
 * code as a poll vote (counted-votes.ts) — the cross-question pair tallies by the delta rule, the
 * funnel and the per-day counts. Tallies move with SQL increments, never read-modify-write in JS.
 *
 * Lock order (no deadlocks with votes, edits or other submissions): the survey row, then its
 * question polls in id order, before anything is read or written. Every survey_locks row and the
 * survey's person lock set are written only under the survey row's lock, so the duplicate check
 * reads them before writing anything, and a refusal counts `duplicate_count + 1` in the same
 * transaction.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { ProfileAnswers } from '../../src/lib/profile';
import { DAY_MS, isPersonLock, voteMinute } from '../../src/lib/store';
import type { SubmissionOutcome, SurveyRecord, SurveyStore, SurveySubmission } from '../../src/lib/survey-types';
import type { VoteSource } from '../../src/lib/types';
import { StaleOptions, type CountedVote } from '../sqlite-counted-votes';
import type { PgDb, PgTx } from './client';
import { createPgCountedVotes } from './counted-votes';
import { inTransaction } from './retry';
import {
  otherAnswers,
  polls,
  surveyAnswers,
  surveyLocks,
  surveyPersonLockSets,
  surveyResponses,
  surveys,
  voteChoices,
  voteRankings,
  votes,
} from './schema';
import { readSurveyById, surveyRecordOf } from './survey-records';

class Rollback extends Error {
  constructor(readonly outcome: 'duplicate' | 'stale' | 'response_not_found') {
    super(outcome);
  }
}

/** A stored answer as read back, enough to count it again (re-filing) and to pair it. */
interface StoredAnswer {
  pollId: number;
  voteId: number;
  page: number;
  optionIds: number[];
  ranking: number[] | null;
  otherText: string | null;
  createdAt: number;
  source: VoteSource;
  deviceKey: string | null;
}

/** A profile as a canonical string: answered dimensions only, in dimension order. */
const profileKey = (profile: ProfileAnswers) =>
  JSON.stringify(
    Object.entries(profile)
      .filter(([, value]) => !!value)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );

/** Question types whose answers are one option: the "by" side of a cross-question pair. */
const BY_TYPES = new Set(['single', 'rating']);

/** An int[] parameter (drizzle would spread a plain array into a list). */
const ints = (values: number[]) => sql`${sql.param(values)}::int[]`;
const texts = (values: string[]) => sql`${sql.param(values)}::text[]`;

const byNumbers = (a: number[], b: number[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
};

export function createPgSurveySubmissions(db: PgDb): Pick<SurveyStore, 'recordSubmission' | 'importSubmissions'> {
  const counted = createPgCountedVotes();

  /**
   * Moves the pair tallies of a response's answer set by `sign`, for every ordered pair
   * (by, target) of which at least one answer is `touched`: one statement per tally table, rows
   * in key order.
   */
  const movePairs = async (
    tx: PgTx,
    answers: Map<number, number[]>,
    types: Map<number, string>,
    touched: Set<number>,
    sign: 1 | -1,
  ) => {
    const pairs: [number, number, number][] = [];
    const pairOptions: [number, number, number, number][] = [];
    for (const [by, byOptions] of answers) {
      if (!BY_TYPES.has(types.get(by) ?? '') || byOptions.length !== 1) continue;
      const byOption = byOptions[0];
      for (const [target, optionIds] of answers) {
        if (target === by || !(touched.has(by) || touched.has(target))) continue;
        pairs.push([by, byOption, target]);
        for (const optionId of new Set(optionIds)) pairOptions.push([by, byOption, target, optionId]);
      }
    }
    pairs.sort(byNumbers);
    pairOptions.sort(byNumbers);
    const column = (rows: number[][], i: number) => ints(rows.map((row) => row[i]));
    if (sign > 0) {
      if (pairs.length > 0)
        await tx.execute(sql`
          insert into survey_pair_tallies (by_poll_id, by_option_id, poll_id, responses)
          select b, bo, p, 1 from unnest(${column(pairs, 0)}, ${column(pairs, 1)}, ${column(pairs, 2)}) as v(b, bo, p)
          on conflict (by_poll_id, poll_id, by_option_id)
          do update set responses = survey_pair_tallies.responses + 1`);
      if (pairOptions.length > 0)
        await tx.execute(sql`
          insert into survey_pair_option_tallies (by_poll_id, by_option_id, poll_id, option_id, votes)
          select b, bo, p, o, 1
          from unnest(${column(pairOptions, 0)}, ${column(pairOptions, 1)}, ${column(pairOptions, 2)},
                      ${column(pairOptions, 3)}) as v(b, bo, p, o)
          on conflict (by_poll_id, poll_id, by_option_id, option_id)
          do update set votes = survey_pair_option_tallies.votes + 1`);
    } else {
      // `- 1`, and a row brought to 0 deleted (SQLite's decrement then prune): one statement
      // whose parts touch disjoint rows, as a row modified twice in one statement is not.
      if (pairs.length > 0)
        await tx.execute(sql`
          with v as (
            select * from unnest(${column(pairs, 0)}, ${column(pairs, 1)}, ${column(pairs, 2)}) as v(b, bo, p)
          ), gone as (
            delete from survey_pair_tallies t using v
            where t.by_poll_id = v.b and t.by_option_id = v.bo and t.poll_id = v.p and t.responses <= 1
          )
          update survey_pair_tallies t set responses = t.responses - 1 from v
          where t.by_poll_id = v.b and t.by_option_id = v.bo and t.poll_id = v.p and t.responses > 1`);
      if (pairOptions.length > 0)
        await tx.execute(sql`
          with v as (
            select * from unnest(${column(pairOptions, 0)}, ${column(pairOptions, 1)}, ${column(pairOptions, 2)},
                                 ${column(pairOptions, 3)}) as v(b, bo, p, o)
          ), gone as (
            delete from survey_pair_option_tallies t using v
            where t.by_poll_id = v.b and t.by_option_id = v.bo and t.poll_id = v.p and t.option_id = v.o
              and t.votes <= 1
          )
          update survey_pair_option_tallies t set votes = t.votes - 1 from v
          where t.by_poll_id = v.b and t.by_option_id = v.bo and t.poll_id = v.p and t.option_id = v.o
            and t.votes > 1`);
    }
  };

  /** A response's stored answers (by question id), with their choices (by option id). */
  const storedAnswers = async (tx: PgTx, responseId: number): Promise<StoredAnswer[]> => {
    const rows = await tx
      .select({
        pollId: surveyAnswers.pollId,
        voteId: surveyAnswers.voteId,
        page: surveyAnswers.page,
        createdAt: votes.createdAt,
        source: votes.source,
        deviceKey: votes.deviceKey,
        ranking: voteRankings.ranking,
        otherText: otherAnswers.text,
      })
      .from(surveyAnswers)
      .innerJoin(votes, eq(votes.id, surveyAnswers.voteId))
      .leftJoin(voteRankings, eq(voteRankings.voteId, surveyAnswers.voteId))
      .leftJoin(otherAnswers, eq(otherAnswers.voteId, surveyAnswers.voteId))
      .where(eq(surveyAnswers.responseId, responseId))
      .orderBy(asc(surveyAnswers.pollId));
    if (rows.length === 0) return [];
    const choices = await tx
      .select({ voteId: voteChoices.voteId, optionId: voteChoices.optionId })
      .from(voteChoices)
      .where(
        inArray(
          voteChoices.voteId,
          rows.map((row) => row.voteId),
        ),
      )
      .orderBy(asc(voteChoices.voteId), asc(voteChoices.optionId));
    return rows.map((row) => ({
      ...row,
      ranking: row.ranking === null ? null : row.ranking.split(',').map(Number),
      optionIds: choices.filter((choice) => choice.voteId === row.voteId).map((choice) => choice.optionId),
    }));
  };

  /** `+ n` on funnel rows (page → reached, completed), as one statement. */
  const countPages = (surveyId: number, moves: Map<number, { reached: number; completed: number }>) => {
    const pages = [...moves.keys()].sort((a, b) => a - b);
    return sql`
      insert into survey_page_tallies (survey_id, page, reached, completed)
      select ${surveyId}::int, page, reached, completed
      from unnest(${ints(pages)}, ${ints(pages.map((page) => moves.get(page)!.reached))},
                  ${ints(pages.map((page) => moves.get(page)!.completed))}) as v(page, reached, completed)
      on conflict (survey_id, page) do update set
        reached = survey_page_tallies.reached + excluded.reached,
        completed = survey_page_tallies.completed + excluded.completed`;
  };

  /** Locks the survey row, then its question polls in id order; the survey as it is now, or null. */
  const lockSurvey = async (tx: PgTx, surveyId: number): Promise<SurveyRecord | null> => {
    const [row] = await tx.select().from(surveys).where(eq(surveys.id, surveyId)).for('update');
    if (!row) return null;
    const pollRows = await tx
      .select()
      .from(polls)
      .where(eq(polls.surveyId, surveyId))
      .orderBy(asc(polls.id))
      .for('update');
    return surveyRecordOf(tx, row, pollRows);
  };

  /** Whether any of these survey-level identities is held already (read under the survey row's lock). */
  const anyLockHeld = async (tx: PgTx, surveyId: number, lockKeys: string[]) => {
    if (new Set(lockKeys).size !== lockKeys.length) return true;
    const people = lockKeys.filter(isPersonLock);
    const others = lockKeys.filter((key) => !isPersonLock(key));
    const { rows } = await tx.execute<{ held: boolean }>(sql`
      select exists (select 1 from survey_locks where survey_id = ${surveyId} and lock_key = any(${texts(others)}))
          or exists (select 1 from survey_person_lock_sets
                     where survey_id = ${surveyId} and lock_keys && ${texts(people)}) as held`);
    return rows[0]?.held === true;
  };

  /** Takes the new response's locks: survey_locks rows, and person locks into the survey's sorted set. */
  const takeLocks = async (tx: PgTx, surveyId: number, responseId: number, lockKeys: string[]) => {
    const people = lockKeys.filter(isPersonLock).sort();
    const others = lockKeys.filter((key) => !isPersonLock(key)).sort();
    if (others.length > 0) {
      const taken = await tx
        .insert(surveyLocks)
        .values(others.map((lockKey) => ({ surveyId, lockKey, responseId })))
        .onConflictDoNothing()
        .returning({ lockKey: surveyLocks.lockKey });
      if (taken.length !== others.length) throw new Rollback('duplicate');
    }
    if (people.length > 0)
      // A person's lock names no response (db/pg/schema.ts surveyPersonLockSets).
      await tx.execute(sql`
        insert into ${surveyPersonLockSets} (survey_id, lock_keys) values (${surveyId}, ${texts(people)})
        on conflict (survey_id) do update set lock_keys = (
          select array_agg(k order by k)
          from unnest(survey_person_lock_sets.lock_keys || excluded.lock_keys) as k)`);
  };

  /**
   * Stores one submission inside `tx`: locks, checks, writes. Returns the refusal outcome without
   * having written anything, or throws Rollback / StaleOptions when a write found it refused.
   */
  const record = async (
    tx: PgTx,
    submission: SurveySubmission,
  ): Promise<{ responseId: number; survey: SurveyRecord } | 'duplicate' | 'stale' | 'response_not_found'> => {
    const minute = voteMinute(submission.createdAt);
    const { surveyId } = submission;
    const survey = await lockSurvey(tx, surveyId);
    // The answers were checked against the survey as read before this transaction.
    if (!survey || survey.updatedAt !== submission.checkedAgainst) return 'stale';
    const pageCount = survey.questions.reduce((most, q) => Math.max(most, q.page + 1), 0);
    const pages = new Set(submission.pages);
    if (submission.pages.some((page) => !Number.isInteger(page) || page < 0 || page >= pageCount)) return 'stale';
    const questions = new Map(survey.questions.map((q) => [q.poll.id, q]));
    const answered = new Set<number>();
    for (const answer of submission.answers) {
      const question = questions.get(answer.pollId);
      if (!question || !pages.has(question.page) || answered.has(answer.pollId)) return 'stale';
      answered.add(answer.pollId);
      const optionIds = new Set(question.poll.options.map((option) => option.id));
      if (answer.optionIds.length === 0) return 'stale';
      if (![...answer.optionIds, ...(answer.ranking ?? [])].every((id) => optionIds.has(id))) return 'stale';
    }
    const types = new Map(survey.questions.map((q) => [q.poll.id, q.poll.type as string]));
    const day = Math.floor(minute / DAY_MS);
    const pageMoves = new Map<number, { reached: number; completed: number }>();
    const movePage = (page: number, column: 'reached' | 'completed') => {
      const move = pageMoves.get(page) ?? pageMoves.set(page, { reached: 0, completed: 0 }).get(page)!;
      move[column] += 1;
    };

    // The response: created (with its locks and the funnel's start), or this survey's own.
    let response: typeof surveyResponses.$inferSelect;
    const created = submission.responseId === null;
    if (created) {
      if (submission.lockKeys.length > 0 && (await anyLockHeld(tx, surveyId, submission.lockKeys))) return 'duplicate';
      [response] = await tx
        .insert(surveyResponses)
        .values({
          surveyId,
          createdAt: minute,
          updatedAt: minute,
          source: submission.source,
          deviceKey: submission.deviceKey,
          profile: { ...submission.profile },
          pagesDone: [],
        })
        .returning();
      await takeLocks(tx, surveyId, response.id, submission.lockKeys);
      movePage(0, 'reached');
    } else {
      const [found] = await tx
        .select()
        .from(surveyResponses)
        .where(and(eq(surveyResponses.id, submission.responseId!), eq(surveyResponses.surveyId, surveyId)))
        .for('update');
      if (!found) return 'response_not_found';
      response = found;
    }

    // Replacement: the old answers of the submitted pages (all of them when the profile
    // changes, the others to be filed again under the new profile) are withdrawn.
    const old = created ? [] : await storedAnswers(tx, response.id);
    const profile = { ...(submission.profile ?? response.profile) };
    const refile = profileKey(profile) !== profileKey(response.profile);
    const withdrawn = old.filter((answer) => refile || pages.has(answer.page));
    const kept = old.filter((answer) => !pages.has(answer.page));
    const refiled = refile ? kept : [];
    const before = new Map(old.map((answer) => [answer.pollId, answer.optionIds]));
    await movePairs(tx, before, types, new Set(withdrawn.map((answer) => answer.pollId)), -1);
    for (const answer of withdrawn) await counted.withdraw(tx, answer.voteId, minute);

    const filed: { responseId: number; pollId: number; voteId: number; page: number }[] = [];
    const fileAnswer = async (vote: CountedVote, page: number) => {
      const voteId = await counted.insert(tx, vote);
      filed.push({ responseId: response.id, pollId: vote.pollId, voteId, page });
    };
    for (const answer of refiled) await fileAnswer({ ...answer, profile }, answer.page);
    for (const answer of submission.answers)
      await fileAnswer(
        {
          pollId: answer.pollId,
          optionIds: answer.optionIds,
          ranking: answer.ranking,
          otherText: answer.otherText,
          deviceKey: answer.deviceKey,
          createdAt: minute,
          source: submission.source,
          profile,
        },
        questions.get(answer.pollId)!.page,
      );
    if (filed.length > 0) await tx.insert(surveyAnswers).values(filed);
    const after = new Map([...kept, ...submission.answers].map((answer) => [answer.pollId, answer.optionIds] as const));
    await movePairs(tx, after, types, new Set([...refiled, ...submission.answers].map((answer) => answer.pollId)), 1);

    // The funnel: a page submitted for the first time completes it and reaches the next.
    const done = new Set(response.pagesDone);
    for (const page of submission.pages) {
      if (done.has(page)) continue;
      done.add(page);
      movePage(page, 'completed');
      if (page + 1 < pageCount) movePage(page + 1, 'reached');
    }
    const finishes = !response.finished && done.has(pageCount - 1);
    // The funnel, the survey's counts, the day's counts and the response: one statement.
    const moves: SQL[] = [];
    if (pageMoves.size > 0) moves.push(sql`pages as (${countPages(surveyId, pageMoves)})`);
    if (created || finishes) {
      const [started, finished] = [created ? 1 : 0, finishes ? 1 : 0];
      moves.push(sql`counts as (update surveys set started_count = started_count + ${started}::int,
        finished_count = finished_count + ${finished}::int where id = ${surveyId})`);
      moves.push(sql`days as (insert into survey_day_tallies (survey_id, day, started, finished)
        values (${surveyId}, ${day}::int, ${started}::int, ${finished}::int)
        on conflict (survey_id, day) do update set started = survey_day_tallies.started + excluded.started,
          finished = survey_day_tallies.finished + excluded.finished)`);
    }
    await tx.execute(sql`${moves.length > 0 ? sql`with ${sql.join(moves, sql`, `)} ` : sql``}
      update survey_responses set
        updated_at = greatest(updated_at, ${minute}::bigint),
        profile = ${JSON.stringify(profile)}::jsonb,
        pages_done = ${JSON.stringify([...done].sort((a, b) => a - b))}::jsonb,
        finished = ${response.finished || finishes},
        finished_at = ${finishes ? sql`${minute}::bigint` : sql`finished_at`}
      where id = ${response.id}`);
    // The survey and its questions' tallies as this submission left it.
    return { responseId: response.id, survey: (await readSurveyById(tx, surveyId))! };
  };

  const countDuplicate = (tx: PgTx, surveyId: number) =>
    tx
      .update(surveys)
      .set({ duplicateCount: sql`${surveys.duplicateCount} + 1` })
      .where(eq(surveys.id, surveyId));

  return {
    async recordSubmission(submission): Promise<SubmissionOutcome> {
      try {
        return await inTransaction(db, async (tx): Promise<SubmissionOutcome> => {
          const result = await record(tx, submission);
          if (typeof result !== 'string') return { outcome: 'recorded', ...result };
          if (result === 'duplicate') await countDuplicate(tx, submission.surveyId);
          return { outcome: result };
        });
      } catch (error) {
        // Refused after a write (rolled back whole): only a race the checks above rule out.
        if (error instanceof StaleOptions) return { outcome: 'stale' };
        if (!(error instanceof Rollback)) throw error;
        if (error.outcome === 'duplicate')
          await inTransaction(db, async (tx) => {
            await countDuplicate(tx, submission.surveyId);
          });
        return { outcome: error.outcome };
      }
    },

    async importSubmissions(batch) {
      // One transaction: a refusal rolls back the batch (and throws, as SQLite's does).
      await inTransaction(db, async (tx) => {
        for (const submission of batch) {
          const result = await record(tx, submission);
          if (typeof result === 'string') throw new Rollback(result);
        }
      });
    },
  };
}
