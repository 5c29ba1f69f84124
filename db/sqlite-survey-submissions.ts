/**
 * A survey submission in one BEGIN IMMEDIATE transaction: the response (created with its
 * survey-level locks, or found), its answers on the submitted pages replaced — old votes
 * withdrawn with every tally they moved, new ones counted through the same code as a poll vote
 * (db/sqlite-votes.ts) — the cross-question pair tallies by the delta rule, the funnel and the
 * per-day counts. Tallies move with SQL increments, never read-modify-write in JS.
 */
import { and, eq, sql } from 'drizzle-orm';
import { DAY_MS, isPersonLock, voteMinute } from '../src/lib/store';
import type { SubmissionOutcome, SurveyRecord, SurveyStore, SurveySubmission } from '../src/lib/survey-types';
import type { Db } from './client';
import {
  otherAnswers,
  surveyAnswers,
  surveyDayTallies,
  surveyLocks,
  surveyPersonLocks,
  surveyPageTallies,
  surveyResponses,
  surveys,
  voteChoices,
  voteRankings,
  votes,
} from './schema';
import { createCountedVotes, StaleOptions, type CountedVote } from './sqlite-counted-votes';
import { surveyReader } from './sqlite-survey-records';
import { BY_TYPES, Rollback, profileKey, type StoredAnswer } from './survey-submission-parts';

const IMMEDIATE = { behavior: 'immediate' } as const;

export function createSurveySubmissions(db: Db): Pick<SurveyStore, 'recordSubmission' | 'importSubmissions'> {
  const counted = createCountedVotes(db);
  const client = db.$client;
  const pairUp = client.prepare(
    `insert into survey_pair_tallies (by_poll_id, by_option_id, poll_id, responses) values (?, ?, ?, 1)
     on conflict (by_poll_id, poll_id, by_option_id) do update set responses = responses + 1`,
  );
  const pairOptionUp = client.prepare(
    `insert into survey_pair_option_tallies (by_poll_id, by_option_id, poll_id, option_id, votes) values (?, ?, ?, ?, 1)
     on conflict (by_poll_id, poll_id, by_option_id, option_id) do update set votes = votes + 1`,
  );
  const pairDown = client.prepare(
    'update survey_pair_tallies set responses = responses - 1 where by_poll_id = ? and by_option_id = ? and poll_id = ?',
  );
  const pairPrune = client.prepare(
    'delete from survey_pair_tallies where by_poll_id = ? and by_option_id = ? and poll_id = ? and responses <= 0',
  );
  const pairOptionDown = client.prepare(
    `update survey_pair_option_tallies set votes = votes - 1
     where by_poll_id = ? and by_option_id = ? and poll_id = ? and option_id = ?`,
  );
  const pairOptionPrune = client.prepare(
    `delete from survey_pair_option_tallies
     where by_poll_id = ? and by_option_id = ? and poll_id = ? and option_id = ? and votes <= 0`,
  );

  /**
   * Moves the pair tallies of a response's answer set by `sign`, for every ordered pair
   * (by, target) of which at least one answer is `touched`.
   */
  const movePairs = (
    answers: Map<number, number[]>,
    types: Map<number, string>,
    touched: Set<number>,
    sign: 1 | -1,
  ) => {
    for (const [by, byOptions] of answers) {
      if (!BY_TYPES.has(types.get(by) ?? '') || byOptions.length !== 1) continue;
      const byOption = byOptions[0];
      for (const [target, optionIds] of answers) {
        if (target === by || !(touched.has(by) || touched.has(target))) continue;
        if (sign > 0) {
          pairUp.run(by, byOption, target);
          for (const optionId of optionIds) pairOptionUp.run(by, byOption, target, optionId);
        } else {
          pairDown.run(by, byOption, target);
          pairPrune.run(by, byOption, target);
          for (const optionId of optionIds) {
            pairOptionDown.run(by, byOption, target, optionId);
            pairOptionPrune.run(by, byOption, target, optionId);
          }
        }
      }
    }
  };

  const storedAnswers = (tx: Pick<Db, 'select'>, responseId: number): StoredAnswer[] => {
    const rows = tx
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
      .all();
    return rows.map((row) => ({
      ...row,
      ranking: row.ranking === null ? null : row.ranking.split(',').map(Number),
      optionIds: tx
        .select({ optionId: voteChoices.optionId })
        .from(voteChoices)
        .where(eq(voteChoices.voteId, row.voteId))
        .all()
        .map((choice) => choice.optionId),
    }));
  };

  const countPage = (surveyId: number, page: number, column: 'reached' | 'completed') =>
    db
      .insert(surveyPageTallies)
      .values({ surveyId, page, [column]: 1 })
      .onConflictDoUpdate({
        target: [surveyPageTallies.surveyId, surveyPageTallies.page],
        set: { [column]: sql`${surveyPageTallies[column]} + 1` },
      })
      .run();
  const countDay = (surveyId: number, day: number, column: 'started' | 'finished') =>
    db
      .insert(surveyDayTallies)
      .values({ surveyId, day, [column]: 1 })
      .onConflictDoUpdate({
        target: [surveyDayTallies.surveyId, surveyDayTallies.day],
        set: { [column]: sql`${surveyDayTallies[column]} + 1` },
      })
      .run();

  const record = (submission: SurveySubmission): { responseId: number; survey: SurveyRecord } => {
    const minute = voteMinute(submission.createdAt);
    const { surveyId } = submission;
    return db.transaction((tx) => {
      const survey = surveyReader(tx).byId(surveyId);
      // The answers were checked against the survey as read before this transaction.
      if (!survey || survey.updatedAt !== submission.checkedAgainst) throw new Rollback('stale');
      const pageCount = survey.questions.reduce((most, q) => Math.max(most, q.page + 1), 0);
      const pages = new Set(submission.pages);
      if (submission.pages.some((page) => !Number.isInteger(page) || page < 0 || page >= pageCount))
        throw new Rollback('stale');
      const questions = new Map(survey.questions.map((q) => [q.poll.id, q]));
      const answered = new Set<number>();
      for (const answer of submission.answers) {
        const question = questions.get(answer.pollId);
        if (!question || !pages.has(question.page) || answered.has(answer.pollId)) throw new Rollback('stale');
        answered.add(answer.pollId);
        const optionIds = new Set(question.poll.options.map((option) => option.id));
        if (answer.optionIds.length === 0) throw new Rollback('stale');
        if (![...answer.optionIds, ...(answer.ranking ?? [])].every((id) => optionIds.has(id)))
          throw new Rollback('stale');
      }
      const types = new Map(survey.questions.map((q) => [q.poll.id, q.poll.type as string]));

      // The response: created (with its locks and the funnel's start), or this survey's own.
      let response: typeof surveyResponses.$inferSelect;
      if (submission.responseId === null) {
        response = tx
          .insert(surveyResponses)
          .values({
            surveyId,
            createdAt: minute,
            updatedAt: minute,
            source: submission.source,
            deviceKey: submission.deviceKey,
            // A plain copy: Drizzle's JSON column does not take objects without a prototype.
            profile: { ...submission.profile },
            pagesDone: [],
          })
          .returning()
          .get();
        for (const lockKey of submission.lockKeys) {
          // A person's lock names no response (db/schema.ts surveyPersonLocks).
          const locked = isPersonLock(lockKey)
            ? tx.insert(surveyPersonLocks).values({ surveyId, lockKey }).onConflictDoNothing().run()
            : tx.insert(surveyLocks).values({ surveyId, lockKey, responseId: response.id }).onConflictDoNothing().run();
          if (locked.changes === 0) throw new Rollback('duplicate');
        }
        tx.update(surveys)
          .set({ startedCount: sql`${surveys.startedCount} + 1` })
          .where(eq(surveys.id, surveyId))
          .run();
        countPage(surveyId, 0, 'reached');
        countDay(surveyId, Math.floor(minute / DAY_MS), 'started');
      } else {
        const found = tx
          .select()
          .from(surveyResponses)
          .where(and(eq(surveyResponses.id, submission.responseId), eq(surveyResponses.surveyId, surveyId)))
          .get();
        if (!found) throw new Rollback('response_not_found');
        response = found;
      }

      // Replacement: the old answers of the submitted pages (all of them when the profile
      // changes, the others to be filed again under the new profile) are withdrawn.
      const old = storedAnswers(tx, response.id);
      const profile = { ...(submission.profile ?? response.profile) };
      const refile = profileKey(profile) !== profileKey(response.profile);
      const withdrawn = old.filter((answer) => refile || pages.has(answer.page));
      const kept = old.filter((answer) => !pages.has(answer.page));
      const refiled = refile ? kept : [];
      const before = new Map(old.map((answer) => [answer.pollId, answer.optionIds]));
      movePairs(before, types, new Set(withdrawn.map((answer) => answer.pollId)), -1);
      for (const answer of withdrawn) counted.withdraw(answer.voteId, minute);

      const fileAnswer = (vote: CountedVote, page: number) => {
        const voteId = counted.insert(vote);
        tx.insert(surveyAnswers).values({ responseId: response.id, pollId: vote.pollId, voteId, page }).run();
      };
      for (const answer of refiled) fileAnswer({ ...answer, profile }, answer.page);
      for (const answer of submission.answers)
        fileAnswer(
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
      const after = new Map(
        [...kept, ...submission.answers].map((answer) => [answer.pollId, answer.optionIds] as const),
      );
      movePairs(after, types, new Set([...refiled, ...submission.answers].map((answer) => answer.pollId)), 1);

      // The funnel: a page submitted for the first time completes it and reaches the next.
      const done = new Set(response.pagesDone);
      for (const page of submission.pages) {
        if (done.has(page)) continue;
        done.add(page);
        countPage(surveyId, page, 'completed');
        if (page + 1 < pageCount) countPage(surveyId, page + 1, 'reached');
      }
      const finishes = !response.finished && done.has(pageCount - 1);
      if (finishes) {
        tx.update(surveys)
          .set({ finishedCount: sql`${surveys.finishedCount} + 1` })
          .where(eq(surveys.id, surveyId))
          .run();
        countDay(surveyId, Math.floor(minute / DAY_MS), 'finished');
      }
      tx.update(surveyResponses)
        .set({
          updatedAt: sql`max(${surveyResponses.updatedAt}, ${minute})`,
          profile,
          pagesDone: [...done].sort((a, b) => a - b),
          finished: response.finished || finishes,
          ...(finishes ? { finishedAt: minute } : {}),
        })
        .where(eq(surveyResponses.id, response.id))
        .run();
      // The survey and its questions' tallies as this submission left them.
      return { responseId: response.id, survey: surveyReader(tx).byId(surveyId)! };
    }, IMMEDIATE);
  };

  return {
    async recordSubmission(submission): Promise<SubmissionOutcome> {
      try {
        return { outcome: 'recorded', ...record(submission) };
      } catch (error) {
        if (error instanceof StaleOptions) return { outcome: 'stale' };
        if (!(error instanceof Rollback)) throw error;
        if (error.outcome === 'duplicate') {
          db.update(surveys)
            .set({ duplicateCount: sql`${surveys.duplicateCount} + 1` })
            .where(eq(surveys.id, submission.surveyId))
            .run();
        }
        return { outcome: error.outcome };
      }
    },

    async importSubmissions(batch) {
      // Each record() is a savepoint inside this one transaction; a refusal rolls back the batch.
      db.transaction(() => {
        for (const submission of batch) record(submission);
      }, IMMEDIATE);
    },
  };
}
