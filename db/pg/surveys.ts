/**
 * The PostgreSQL implementation of SurveyStore, the port of db/sqlite-surveys.ts: surveys and
 * their question polls (authoring, reads, funnel, day and cross-question tallies). Submissions are
 * in survey-submissions.ts. Writes run in read-committed transactions (inTransaction retries
 * conflicts) that lock the survey row first; the question polls always carry the survey's status,
 * schedule, visibility, duplicate policy and profile, copied in the same transaction. Reads of
 * several statements run in one repeatable-read snapshot, as SQLite's deferred transactions do.
 */
import { and, asc, between, desc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import type { AuditEntry, GroupCounts } from '../../src/lib/store';
import {
  surveyAuditKey,
  type NewQuestion,
  type ResponseRow,
  type SurveyFields,
  type SurveyStore,
} from '../../src/lib/survey-types';
import type { PgDb, PgTx } from './client';
import type { PgReader } from './records';
import { inTransaction, sqlStateOf } from './retry';
import {
  auditLog,
  otherAnswers,
  pollOptions,
  polls,
  surveyAnswers,
  surveyDayTallies,
  surveyPageTallies,
  surveyPairOptionTallies,
  surveyPairTallies,
  surveyPersonLockSets,
  surveyResponses,
  surveys,
  voteChoices,
  voteRankings,
  votes,
} from './schema';
import { readSurveyById, readSurveyBySlug, surveyRecords } from './survey-records';
import { createPgSurveySubmissions } from './survey-submissions';
import { insertPgOptions } from './polls';

type Answers = Map<number, { choices: string[]; other: string | null }>;

class SlugTaken extends Error {
  constructor(readonly slug: string) {
    super(slug);
  }
}
class HasResponses extends Error {}

/** Several reads in one snapshot (what SQLite's deferred read transaction gives). */
export const inSnapshot = <T>(db: PgDb, work: (tx: PgTx) => Promise<T>): Promise<T> =>
  inTransaction(db, work, { isolationLevel: 'repeatable read', accessMode: 'read only' });

/** The fields a question poll always takes from its survey. */
const copiedFields = (survey: Omit<SurveyFields, 'slug' | 'title' | 'description'>) => ({
  status: survey.status,
  opensAt: survey.opensAt,
  closesAt: survey.closesAt,
  resultsVisibility: survey.resultsVisibility,
  duplicatePolicy: survey.duplicatePolicy,
  profile: survey.profile,
});

/**
 * Each answer of the given responses: option keys (a ranked answer: its whole order, most
 * preferred first; otherwise in option order) and its write-in text.
 */
async function answersOf(reader: PgReader, responseIds: number[]): Promise<Map<number, Answers>> {
  const byResponse = new Map<number, Answers>(responseIds.map((id) => [id, new Map()]));
  if (responseIds.length === 0) return byResponse;
  const answerOf = (responseId: number, pollId: number) => {
    const answers = byResponse.get(responseId)!;
    return answers.get(pollId) ?? answers.set(pollId, { choices: [], other: null }).get(pollId)!;
  };
  const inResponses = inArray(surveyAnswers.responseId, responseIds);
  const chosen = await reader
    .select({ responseId: surveyAnswers.responseId, pollId: surveyAnswers.pollId, key: pollOptions.key })
    .from(surveyAnswers)
    .innerJoin(voteChoices, eq(voteChoices.voteId, surveyAnswers.voteId))
    .innerJoin(pollOptions, eq(pollOptions.id, voteChoices.optionId))
    .where(inResponses)
    .orderBy(asc(surveyAnswers.responseId), asc(pollOptions.position));
  for (const row of chosen) answerOf(row.responseId, row.pollId).choices.push(row.key);
  const ranked = await reader
    .select({ responseId: surveyAnswers.responseId, pollId: surveyAnswers.pollId, ranking: voteRankings.ranking })
    .from(surveyAnswers)
    .innerJoin(voteRankings, eq(voteRankings.voteId, surveyAnswers.voteId))
    .where(inResponses);
  if (ranked.length > 0) {
    const ids = [...new Set(ranked.flatMap((row) => row.ranking.split(',').map(Number)))];
    const keys = new Map(
      (
        await reader
          .select({ id: pollOptions.id, key: pollOptions.key })
          .from(pollOptions)
          .where(inArray(pollOptions.id, ids))
      ).map((o) => [o.id, o.key]),
    );
    for (const row of ranked)
      answerOf(row.responseId, row.pollId).choices = row.ranking.split(',').map((id) => keys.get(Number(id)) ?? id);
  }
  const written = await reader
    .select({ responseId: surveyAnswers.responseId, pollId: surveyAnswers.pollId, text: otherAnswers.text })
    .from(surveyAnswers)
    .innerJoin(otherAnswers, eq(otherAnswers.voteId, surveyAnswers.voteId))
    .where(inResponses);
  for (const row of written) answerOf(row.responseId, row.pollId).other = row.text;
  return byResponse;
}

/** Whether the error is the unique violation of the surveys' slug (a rename racing another). */
const isSurveySlugClash = (error: unknown) => {
  if (sqlStateOf(error) !== '23505') return false;
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const constraint = (cause as { constraint?: unknown }).constraint;
    if (typeof constraint === 'string') return constraint.startsWith('surveys_slug');
  }
  return false;
};

export function createPgSurveyStore(db: PgDb): SurveyStore {
  const insertAudit = async (tx: PgTx, surveySlug: string, at: number, audit: AuditEntry | undefined) => {
    if (audit)
      await tx.insert(auditLog).values({
        at,
        pollSlug: surveyAuditKey(surveySlug),
        actor: audit.actor,
        action: audit.action,
        details: audit.details ?? '',
      });
  };

  /** Inserts the question polls in order; throws SlugTaken on the first slug a poll already has. */
  const insertQuestions = async (
    tx: PgTx,
    surveyId: number,
    survey: SurveyFields,
    questions: NewQuestion[],
    now: number,
  ) => {
    for (const [position, question] of questions.entries()) {
      const [inserted] = await tx
        .insert(polls)
        .values({
          ...question.fields,
          ...copiedFields(survey),
          createdAt: now,
          updatedAt: now,
          surveyId,
          surveyPosition: position,
          surveyPage: question.page,
          required: question.required,
        })
        .onConflictDoNothing({ target: polls.slug })
        .returning({ id: polls.id });
      if (!inserted) throw new SlugTaken(question.fields.slug);
      await insertPgOptions(tx, inserted.id, question.options);
    }
  };

  const slugTaken = async <T>(run: () => Promise<T>): Promise<T | { slugTaken: string }> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof SlugTaken) return { slugTaken: error.slug };
      throw error;
    }
  };

  /** Locks the survey row (first, always: the lock order of every survey write); null when gone. */
  const lockSurvey = async (tx: PgTx, id: number) =>
    (await tx.select().from(surveys).where(eq(surveys.id, id)).for('update'))[0] ?? null;

  return {
    async listSurveys() {
      return inSnapshot(db, async (tx) =>
        surveyRecords(tx, await tx.select().from(surveys).orderBy(desc(surveys.createdAt), desc(surveys.id))),
      );
    },

    async findSurvey(slug) {
      return inSnapshot(db, (tx) => readSurveyBySlug(tx, slug));
    },

    async surveyOfPoll(pollId) {
      return inSnapshot(db, async (tx) => {
        const [row] = await tx.select({ surveyId: polls.surveyId }).from(polls).where(eq(polls.id, pollId));
        return row?.surveyId ? readSurveyById(tx, row.surveyId) : null;
      });
    },

    async surveySlugExists(slug) {
      const rows = await db.select({ id: surveys.id }).from(surveys).where(eq(surveys.slug, slug)).limit(1);
      return rows.length > 0;
    },

    async createSurvey(fields, questions, now, audit) {
      return slugTaken(() =>
        inTransaction(db, async (tx) => {
          const [inserted] = await tx
            .insert(surveys)
            .values({ ...fields, createdAt: now, updatedAt: now })
            .onConflictDoNothing({ target: surveys.slug })
            .returning({ id: surveys.id });
          if (!inserted) throw new SlugTaken(fields.slug);
          await insertQuestions(tx, inserted.id, fields, questions, now);
          await insertAudit(tx, fields.slug, now, audit);
          return (await readSurveyById(tx, inserted.id))!;
        }),
      );
    },

    async updateSurvey(id, fields, { questions, now, audit }) {
      try {
        return await slugTaken(() =>
          inTransaction(db, async (tx) => {
            const current = await lockSurvey(tx, id);
            if (!current) return 'not_found' as const;
            const next: SurveyFields = { ...current, ...fields };
            if (next.slug !== current.slug) {
              const clash = await tx.select({ id: surveys.id }).from(surveys).where(eq(surveys.slug, next.slug));
              if (clash.length > 0) throw new SlugTaken(next.slug);
            }
            if (questions) {
              const responded = await tx
                .select({ id: surveyResponses.id })
                .from(surveyResponses)
                .where(eq(surveyResponses.surveyId, id))
                .limit(1);
              const voted = await tx
                .select({ id: votes.id })
                .from(votes)
                .innerJoin(polls, eq(polls.id, votes.pollId))
                .where(eq(polls.surveyId, id))
                .limit(1);
              if (responded.length > 0 || voted.length > 0) throw new HasResponses();
              // No response, so no tally of the old questions holds anything: they go whole.
              await tx.delete(polls).where(eq(polls.surveyId, id));
              await tx.delete(surveyPageTallies).where(eq(surveyPageTallies.surveyId, id));
              await insertQuestions(tx, id, next, questions, now);
            }
            await tx
              .update(surveys)
              .set({ ...fields, updatedAt: now })
              .where(eq(surveys.id, id));
            await tx
              .update(polls)
              .set({ ...copiedFields(next), updatedAt: now })
              .where(eq(polls.surveyId, id));
            await insertAudit(tx, next.slug, now, audit);
            return (await readSurveyById(tx, id))!;
          }),
        );
      } catch (error) {
        if (error instanceof HasResponses) return 'has_responses';
        // A rename racing another to the same slug: the unique index refused the second.
        if (fields.slug !== undefined && isSurveySlugClash(error)) return { slugTaken: fields.slug };
        throw error;
      }
    },

    async deleteSurvey(id, now, audit) {
      return inTransaction(db, async (tx) => {
        // The survey row first (the lock order of submissions), then the question polls (their
        // votes and tallies go with them), then the survey (its responses, answers, locks and
        // tallies by their foreign keys).
        if (!(await lockSurvey(tx, id))) return false;
        await tx.delete(polls).where(eq(polls.surveyId, id));
        const [deleted] = await tx.delete(surveys).where(eq(surveys.id, id)).returning({ slug: surveys.slug });
        if (deleted) await insertAudit(tx, deleted.slug, now, audit);
        return deleted !== undefined;
      });
    },

    ...createPgSurveySubmissions(db),

    async findResponse(surveyId, responseId) {
      return inSnapshot(db, async (tx) => {
        const [row] = await tx
          .select()
          .from(surveyResponses)
          .where(and(eq(surveyResponses.id, responseId), eq(surveyResponses.surveyId, surveyId)));
        if (!row) return null;
        return {
          id: row.id,
          surveyId: row.surveyId,
          pagesDone: row.pagesDone,
          finished: row.finished,
          profile: row.profile,
          answers: (await answersOf(tx, [row.id])).get(row.id)!,
        };
      });
    },

    async hasSurveyPersonLock(surveyId, lockKey) {
      const { rows } = await db.execute<{ locked: boolean }>(
        sql`select exists (select 1 from ${surveyPersonLockSets}
            where ${surveyPersonLockSets.surveyId} = ${surveyId}
              and ${lockKey}::text = any(${surveyPersonLockSets.lockKeys})) as locked`,
      );
      return rows[0]?.locked === true;
    },

    async hasResponded(surveyId, deviceKey) {
      const rows = await db
        .select({ id: surveyResponses.id })
        .from(surveyResponses)
        .where(and(eq(surveyResponses.surveyId, surveyId), eq(surveyResponses.deviceKey, deviceKey)))
        .limit(1);
      return rows.length > 0;
    },

    async funnel(surveyId) {
      return inSnapshot(db, async (tx) => {
        const [last] = await tx
          .select({ page: sql<number | null>`max(${polls.surveyPage})` })
          .from(polls)
          .where(eq(polls.surveyId, surveyId));
        const tallies = new Map(
          (await tx.select().from(surveyPageTallies).where(eq(surveyPageTallies.surveyId, surveyId))).map((row) => [
            row.page,
            row,
          ]),
        );
        const page = last?.page;
        return Array.from({ length: page === null || page === undefined ? 0 : Number(page) + 1 }, (_, index) => ({
          page: index + 1,
          reached: tallies.get(index)?.reached ?? 0,
          completed: tallies.get(index)?.completed ?? 0,
        }));
      });
    },

    async crossQuestionCounts(byPollId, targetPollId) {
      return inSnapshot(db, async (tx) => {
        const keys = new Map(
          (
            await tx
              .select({ id: pollOptions.id, key: pollOptions.key })
              .from(pollOptions)
              .where(eq(pollOptions.pollId, byPollId))
          ).map((o) => [o.id, o.key]),
        );
        const [target] = await tx.select({ n: polls.responseCount }).from(polls).where(eq(polls.id, targetPollId));
        const optionVotes = new Map(
          (
            await tx
              .select({ id: pollOptions.id, n: pollOptions.votes })
              .from(pollOptions)
              .where(eq(pollOptions.pollId, targetPollId))
              .orderBy(asc(pollOptions.id))
          ).map((o) => [o.id, o.n]),
        );
        const segments = new Map<string, GroupCounts>();
        const group = (optionId: number) => {
          const key = keys.get(optionId) ?? String(optionId);
          return segments.get(key) ?? segments.set(key, { responses: 0, optionVotes: new Map() }).get(key)!;
        };
        const pair = and(eq(surveyPairTallies.byPollId, byPollId), eq(surveyPairTallies.pollId, targetPollId));
        for (const row of await tx
          .select()
          .from(surveyPairTallies)
          .where(pair)
          .orderBy(asc(surveyPairTallies.byOptionId)))
          group(row.byOptionId).responses += row.responses;
        const pairVotes = and(
          eq(surveyPairOptionTallies.byPollId, byPollId),
          eq(surveyPairOptionTallies.pollId, targetPollId),
        );
        for (const row of await tx
          .select()
          .from(surveyPairOptionTallies)
          .where(pairVotes)
          .orderBy(asc(surveyPairOptionTallies.byOptionId), asc(surveyPairOptionTallies.optionId)))
          group(row.byOptionId).optionVotes.set(row.optionId, row.votes);
        return { crossSection: { responses: target?.n ?? 0, optionVotes }, segments };
      });
    },

    async surveyDailyCounts(surveyId, fromDay, toDay) {
      return inSnapshot(db, async (tx) => {
        const [first] = await tx
          .select({ day: sql<number | null>`min(${surveyDayTallies.day})` })
          .from(surveyDayTallies)
          .where(eq(surveyDayTallies.surveyId, surveyId));
        const days = await tx
          .select({
            day: surveyDayTallies.day,
            started: surveyDayTallies.started,
            finished: surveyDayTallies.finished,
          })
          .from(surveyDayTallies)
          .where(and(eq(surveyDayTallies.surveyId, surveyId), between(surveyDayTallies.day, fromDay, toDay)))
          .orderBy(asc(surveyDayTallies.day));
        const firstDay = first?.day;
        return { firstDay: firstDay === null || firstDay === undefined ? null : Number(firstDay), days };
      });
    },

    async responsesPage(surveyId, after, limit) {
      return inSnapshot(db, async (tx) => {
        const rows = await tx
          .select()
          .from(surveyResponses)
          .where(
            and(
              eq(surveyResponses.surveyId, surveyId),
              after
                ? or(
                    gt(surveyResponses.createdAt, after.createdAt),
                    and(eq(surveyResponses.createdAt, after.createdAt), gt(surveyResponses.id, after.id)),
                  )
                : undefined,
            ),
          )
          .orderBy(asc(surveyResponses.createdAt), asc(surveyResponses.id))
          .limit(limit);
        const answers = await answersOf(
          tx,
          rows.map((row) => row.id),
        );
        return rows.map((row): ResponseRow => ({
          id: row.id,
          createdAt: row.createdAt,
          updatedAt: row.updatedAt,
          finished: row.finished,
          profile: row.profile,
          answers: answers.get(row.id)!,
        }));
      });
    },
  };
}
