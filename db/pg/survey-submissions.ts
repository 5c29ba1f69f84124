/**
 * A survey submission in one PostgreSQL transaction, the port of db/sqlite-survey-submissions.ts:
 * the response (created with its survey-level locks, or found), its answers on the submitted pages
 * replaced — old votes withdrawn with every tally they moved, new ones counted through the same
 * code as a poll vote (counted-votes.ts) — the cross-question pair tallies by the delta rule, the
 * funnel and the per-day counts. Tallies move with SQL increments, never read-modify-write in JS:
 * what a submission adds to the survey tallies goes in one statement (flush), an import's new
 * responses' once for the whole batch.
 *
 * Lock order (no deadlocks with votes, edits or other submissions): the survey row, then its
 * question polls in id order, before anything is read or written. Every survey_locks row and the
 * survey's person lock set are written only under the survey row's lock, so the duplicate check
 * reads them before writing anything, and a refusal counts `duplicate_count + 1` in the same
 * transaction.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { DAY_MS, isPersonLock, voteMinute } from '../../src/lib/store';
import type { SubmissionOutcome, SurveyRecord, SurveyStore, SurveySubmission } from '../../src/lib/survey-types';
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
import { BY_TYPES, Rollback, profileKey, type StoredAnswer } from '../survey-submission-parts';

/** Two counts a submission adds to one tally row: [reached, completed] or [started, finished]. */
type Move = [number, number];

/**
 * What submissions add to the survey tallies (`+ n`, keyed by the row's key parts joined by
 * commas) and their answers' links, written in one statement (flush): per submission, or once
 * for a batch of new responses.
 */
interface Pending {
  /** by_poll_id,by_option_id,poll_id → responses */
  pairs: Map<string, number>;
  /** by_poll_id,by_option_id,poll_id,option_id → votes */
  pairOptions: Map<string, number>;
  /** survey_id,page → [reached, completed] */
  pages: Map<string, Move>;
  /** survey_id,day → [started, finished] */
  days: Map<string, Move>;
  /** survey_id → [started, finished] */
  surveys: Map<string, Move>;
  /** [response_id, poll_id, vote_id, page] */
  answers: [number, number, number, number][];
}

const newPending = (): Pending => ({
  pairs: new Map(),
  pairOptions: new Map(),
  pages: new Map(),
  days: new Map(),
  surveys: new Map(),
  answers: [],
});

const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
const bump = (map: Map<string, Move>, key: string, i: 0 | 1) => {
  const move = map.get(key) ?? map.set(key, [0, 0]).get(key)!;
  move[i] += 1;
};

/** A batch's state: the surveys it has locked, and what it has yet to write. */
interface Batch {
  locked: Map<number, SurveyRecord | null>;
  pending: Pending;
}

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
   * The pair tallies of a response's answer set, for every ordered pair (by, target) of which at
   * least one answer is `touched`: `add` is called once per tally row with its key.
   */
  const pairsOf = (
    answers: Map<number, number[]>,
    types: Map<number, string>,
    touched: Set<number>,
    add: (pair: [number, number, number], optionIds: number[]) => void,
  ) => {
    for (const [by, byOptions] of answers) {
      if (!BY_TYPES.has(types.get(by) ?? '') || byOptions.length !== 1) continue;
      const byOption = byOptions[0];
      for (const [target, optionIds] of answers) {
        if (target === by || !(touched.has(by) || touched.has(target))) continue;
        add([by, byOption, target], [...new Set(optionIds)]);
      }
    }
  };

  /**
   * `- 1` on the pair tallies of a response's answer set (see pairsOf), and a row brought to 0
   * deleted (SQLite's decrement then prune): one statement per table, whose parts touch disjoint
   * rows, as a row modified twice in one statement is not.
   */
  const withdrawPairs = async (
    tx: PgTx,
    answers: Map<number, number[]>,
    types: Map<number, string>,
    touched: Set<number>,
  ) => {
    const pairs: number[][] = [];
    const pairOptions: number[][] = [];
    pairsOf(answers, types, touched, (pair, optionIds) => {
      pairs.push(pair);
      for (const optionId of optionIds) pairOptions.push([...pair, optionId]);
    });
    pairs.sort(byNumbers);
    pairOptions.sort(byNumbers);
    const column = (rows: number[][], i: number) => ints(rows.map((row) => row[i]));
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

  /**
   * Writes what submissions add (`+ n` on every survey tally they move, their answers' links) in
   * one statement of data-modifying CTEs, each on its own table, rows in key order; `last` (a
   * response's update) joins it.
   */
  const flush = async (tx: PgTx, pending: Pending, last?: SQL) => {
    const parts: SQL[] = [];
    /** A map's rows in key order: key parts and values as int[] parameters. */
    const keyed = <T>(map: Map<string, T>) => {
      const sorted = [...map.entries()]
        .map(([key, value]) => [key.split(',').map(Number), value] as const)
        .sort(([a], [b]) => byNumbers(a, b));
      return {
        key: (i: number) => ints(sorted.map(([key]) => key[i])),
        value: (of: (value: T) => number) => ints(sorted.map(([, value]) => of(value))),
      };
    };
    const first = (move: Move) => move[0];
    const second = (move: Move) => move[1];
    const count = (n: number) => n;
    if (pending.pairs.size > 0) {
      const r = keyed(pending.pairs);
      parts.push(sql`pairs as (insert into survey_pair_tallies (by_poll_id, by_option_id, poll_id, responses)
        select * from unnest(${r.key(0)}, ${r.key(1)}, ${r.key(2)}, ${r.value(count)})
        on conflict (by_poll_id, poll_id, by_option_id)
        do update set responses = survey_pair_tallies.responses + excluded.responses)`);
    }
    if (pending.pairOptions.size > 0) {
      const r = keyed(pending.pairOptions);
      parts.push(sql`pair_options as (
        insert into survey_pair_option_tallies (by_poll_id, by_option_id, poll_id, option_id, votes)
        select * from unnest(${r.key(0)}, ${r.key(1)}, ${r.key(2)}, ${r.key(3)}, ${r.value(count)})
        on conflict (by_poll_id, poll_id, by_option_id, option_id)
        do update set votes = survey_pair_option_tallies.votes + excluded.votes)`);
    }
    if (pending.pages.size > 0) {
      const r = keyed(pending.pages);
      parts.push(sql`pages as (insert into survey_page_tallies (survey_id, page, reached, completed)
        select * from unnest(${r.key(0)}, ${r.key(1)}, ${r.value(first)}, ${r.value(second)})
        on conflict (survey_id, page) do update set
          reached = survey_page_tallies.reached + excluded.reached,
          completed = survey_page_tallies.completed + excluded.completed)`);
    }
    if (pending.days.size > 0) {
      const r = keyed(pending.days);
      parts.push(sql`days as (insert into survey_day_tallies (survey_id, day, started, finished)
        select * from unnest(${r.key(0)}, ${r.key(1)}, ${r.value(first)}, ${r.value(second)})
        on conflict (survey_id, day) do update set
          started = survey_day_tallies.started + excluded.started,
          finished = survey_day_tallies.finished + excluded.finished)`);
    }
    if (pending.surveys.size > 0) {
      const r = keyed(pending.surveys);
      parts.push(sql`counts as (update surveys s set started_count = s.started_count + v.started,
          finished_count = s.finished_count + v.finished
        from unnest(${r.key(0)}, ${r.value(first)}, ${r.value(second)}) as v(id, started, finished)
        where s.id = v.id)`);
    }
    if (pending.answers.length > 0) {
      const column = (i: number) => ints(pending.answers.map((row) => row[i]));
      parts.push(sql`answers as (insert into survey_answers (response_id, poll_id, vote_id, page)
        select * from unnest(${column(0)}, ${column(1)}, ${column(2)}, ${column(3)}))`);
    }
    if (last) parts.push(sql`last as (${last})`);
    if (parts.length > 0) await tx.execute(sql`with ${sql.join(parts, sql`, `)} select 1`);
    Object.assign(pending, newPending());
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
    /** Importing: the batch's locked surveys (no survey read back), new responses' tallies written at its end. */
    batch?: Batch,
  ): Promise<{ responseId: number; survey: SurveyRecord | null } | 'duplicate' | 'stale' | 'response_not_found'> => {
    const minute = voteMinute(submission.createdAt);
    const { surveyId } = submission;
    // Within a batch the survey's questions and options stay as locked (only tallies move).
    let survey = batch?.locked.get(surveyId);
    if (survey === undefined) {
      survey = await lockSurvey(tx, surveyId);
      batch?.locked.set(surveyId, survey);
    }
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
    const pending = batch?.pending ?? newPending();

    // The response: created (with its locks, the funnel's start and what it finishes: all of its
    // pages are new), or this survey's own.
    let response: typeof surveyResponses.$inferSelect;
    let done: Set<number>;
    let finishes: boolean;
    const created = submission.responseId === null;
    if (created) {
      if (submission.lockKeys.length > 0 && (await anyLockHeld(tx, surveyId, submission.lockKeys))) return 'duplicate';
      done = new Set(submission.pages);
      finishes = done.has(pageCount - 1);
      [response] = await tx
        .insert(surveyResponses)
        .values({
          surveyId,
          createdAt: minute,
          updatedAt: minute,
          source: submission.source,
          deviceKey: submission.deviceKey,
          profile: { ...submission.profile },
          pagesDone: [...done].sort((a, b) => a - b),
          finished: finishes,
          finishedAt: finishes ? minute : null,
        })
        .returning();
      await takeLocks(tx, surveyId, response.id, submission.lockKeys);
      bump(pending.pages, `${surveyId},0`, 0);
      bump(pending.surveys, `${surveyId}`, 0);
      bump(pending.days, `${surveyId},${day}`, 0);
    } else {
      // What the batch added so far is written first: this response's answers are read back.
      await flush(tx, pending);
      const [found] = await tx
        .select()
        .from(surveyResponses)
        .where(and(eq(surveyResponses.id, submission.responseId!), eq(surveyResponses.surveyId, surveyId)))
        .for('update');
      if (!found) return 'response_not_found';
      response = found;
      done = new Set(response.pagesDone);
      for (const page of submission.pages) done.add(page);
      finishes = !response.finished && done.has(pageCount - 1);
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
    await withdrawPairs(tx, before, types, new Set(withdrawn.map((answer) => answer.pollId)));
    for (const answer of withdrawn) await counted.withdraw(tx, answer.voteId, minute);

    const fileAnswer = async (vote: CountedVote, page: number) => {
      const voteId = await counted.insert(tx, vote);
      pending.answers.push([response.id, vote.pollId, voteId, page]);
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
    const after = new Map([...kept, ...submission.answers].map((answer) => [answer.pollId, answer.optionIds] as const));
    const touched = new Set([...refiled, ...submission.answers].map((answer) => answer.pollId));
    pairsOf(after, types, touched, (pair, optionIds) => {
      add(pending.pairs, pair.join(','));
      for (const optionId of optionIds) add(pending.pairOptions, [...pair, optionId].join(','));
    });

    // The funnel: a page submitted for the first time completes it and reaches the next.
    const seen = new Set(created ? [] : response.pagesDone);
    for (const page of submission.pages) {
      if (seen.has(page)) continue;
      seen.add(page);
      bump(pending.pages, `${surveyId},${page}`, 1);
      if (page + 1 < pageCount) bump(pending.pages, `${surveyId},${page + 1}`, 0);
    }
    if (finishes) {
      bump(pending.surveys, `${surveyId}`, 1);
      bump(pending.days, `${surveyId},${day}`, 1);
    }
    if (created) {
      // A batch writes its new responses' tallies once, at its end.
      if (batch) return { responseId: response.id, survey: null };
      await flush(tx, pending);
    } else {
      await flush(
        tx,
        pending,
        sql`update survey_responses set
          updated_at = greatest(updated_at, ${minute}::bigint),
          profile = ${JSON.stringify(profile)}::jsonb,
          pages_done = ${JSON.stringify([...done].sort((a, b) => a - b))}::jsonb,
          finished = ${response.finished || finishes},
          finished_at = ${finishes ? sql`${minute}::bigint` : sql`finished_at`}
        where id = ${response.id}`,
      );
    }
    // The survey and its questions' tallies as this submission left it.
    return { responseId: response.id, survey: batch ? null : (await readSurveyById(tx, surveyId))! };
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
          if (typeof result !== 'string')
            return { outcome: 'recorded', responseId: result.responseId, survey: result.survey! };
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
        // Every survey of the batch locked up front, in id order (then each survey's questions).
        const state: Batch = { locked: new Map(), pending: newPending() };
        for (const surveyId of [...new Set(batch.map((submission) => submission.surveyId))].sort((a, b) => a - b))
          state.locked.set(surveyId, await lockSurvey(tx, surveyId));
        for (const submission of batch) {
          const result = await record(tx, submission, state);
          if (typeof result === 'string') throw new Rollback(result);
        }
        await flush(tx, state.pending);
      });
    },
  };
}
