/**
 * The SQLite implementation of SurveyStore: surveys and their question polls (authoring, reads,
 * funnel, day and cross-question tallies). Submissions are in sqlite-survey-submissions.ts.
 * Writes run in BEGIN IMMEDIATE transactions; the question polls always carry the survey's
 * status, schedule, visibility, duplicate policy and profile, copied in the same transaction.
 */
import { and, asc, between, desc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import type { AuditEntry, GroupCounts } from '../src/lib/store';
import {
  surveyAuditKey,
  type NewQuestion,
  type ResponseRow,
  type SurveyFields,
  type SurveyStore,
} from '../src/lib/survey-types';
import type { Db } from './client';
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
  surveyPersonLocks,
  surveyResponses,
  surveys,
  voteChoices,
  voteRankings,
  votes,
} from './schema';
import { insertOptions } from './sqlite-store';
import { surveyReader } from './sqlite-survey-records';
import { createSurveySubmissions } from './sqlite-survey-submissions';

const IMMEDIATE = { behavior: 'immediate' } as const;

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Answers = Map<number, { choices: string[]; other: string | null }>;

class SlugTaken extends Error {
  constructor(readonly slug: string) {
    super(slug);
  }
}
class HasResponses extends Error {}

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
function answersOf(db: Db | Tx, responseIds: number[]): Map<number, Answers> {
  const byResponse = new Map<number, Answers>(responseIds.map((id) => [id, new Map()]));
  if (responseIds.length === 0) return byResponse;
  const answerOf = (responseId: number, pollId: number) => {
    const answers = byResponse.get(responseId)!;
    return answers.get(pollId) ?? answers.set(pollId, { choices: [], other: null }).get(pollId)!;
  };
  const inResponses = inArray(surveyAnswers.responseId, responseIds);
  const chosen = db
    .select({ responseId: surveyAnswers.responseId, pollId: surveyAnswers.pollId, key: pollOptions.key })
    .from(surveyAnswers)
    .innerJoin(voteChoices, eq(voteChoices.voteId, surveyAnswers.voteId))
    .innerJoin(pollOptions, eq(pollOptions.id, voteChoices.optionId))
    .where(inResponses)
    .orderBy(asc(surveyAnswers.responseId), asc(pollOptions.position))
    .all();
  for (const row of chosen) answerOf(row.responseId, row.pollId).choices.push(row.key);
  const ranked = db
    .select({ responseId: surveyAnswers.responseId, pollId: surveyAnswers.pollId, ranking: voteRankings.ranking })
    .from(surveyAnswers)
    .innerJoin(voteRankings, eq(voteRankings.voteId, surveyAnswers.voteId))
    .where(inResponses)
    .all();
  if (ranked.length > 0) {
    const ids = [...new Set(ranked.flatMap((row) => row.ranking.split(',').map(Number)))];
    const keys = new Map(
      db
        .select({ id: pollOptions.id, key: pollOptions.key })
        .from(pollOptions)
        .where(inArray(pollOptions.id, ids))
        .all()
        .map((o) => [o.id, o.key]),
    );
    for (const row of ranked)
      answerOf(row.responseId, row.pollId).choices = row.ranking.split(',').map((id) => keys.get(Number(id)) ?? id);
  }
  const written = db
    .select({ responseId: surveyAnswers.responseId, pollId: surveyAnswers.pollId, text: otherAnswers.text })
    .from(surveyAnswers)
    .innerJoin(otherAnswers, eq(otherAnswers.voteId, surveyAnswers.voteId))
    .where(inResponses)
    .all();
  for (const row of written) answerOf(row.responseId, row.pollId).other = row.text;
  return byResponse;
}

export function createSqliteSurveyStore(db: Db): SurveyStore {
  const reader = surveyReader(db);

  const insertAudit = (tx: Tx, surveySlug: string, at: number, audit: AuditEntry | undefined) => {
    if (audit)
      tx.insert(auditLog)
        .values({
          at,
          pollSlug: surveyAuditKey(surveySlug),
          actor: audit.actor,
          action: audit.action,
          details: audit.details ?? '',
        })
        .run();
  };

  /** Inserts the question polls in order; throws SlugTaken on the first slug a poll already has. */
  const insertQuestions = (tx: Tx, surveyId: number, survey: SurveyFields, questions: NewQuestion[], now: number) => {
    questions.forEach((question, position) => {
      const inserted = tx
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
        .returning({ id: polls.id })
        .get();
      if (!inserted) throw new SlugTaken(question.fields.slug);
      insertOptions(tx, inserted.id, question.options);
    });
  };

  const slugTaken = <T>(run: () => T): T | { slugTaken: string } => {
    try {
      return run();
    } catch (error) {
      if (error instanceof SlugTaken) return { slugTaken: error.slug };
      throw error;
    }
  };

  return {
    async listSurveys() {
      return db.transaction(
        () => db.select().from(surveys).orderBy(desc(surveys.createdAt), desc(surveys.id)).all().map(reader.recordOf),
        { behavior: 'deferred' },
      );
    },

    async findSurvey(slug) {
      return db.transaction(
        () => {
          const row = db.select().from(surveys).where(eq(surveys.slug, slug)).get();
          return row ? reader.recordOf(row) : null;
        },
        { behavior: 'deferred' },
      );
    },

    async surveyOfPoll(pollId) {
      return db.transaction(
        () => {
          const row = db.select({ surveyId: polls.surveyId }).from(polls).where(eq(polls.id, pollId)).get();
          return row?.surveyId ? reader.byId(row.surveyId) : null;
        },
        { behavior: 'deferred' },
      );
    },

    async surveySlugExists(slug) {
      return db.select({ id: surveys.id }).from(surveys).where(eq(surveys.slug, slug)).get() !== undefined;
    },

    async createSurvey(fields, questions, now, audit) {
      return slugTaken(() =>
        db.transaction((tx) => {
          const inserted = tx
            .insert(surveys)
            .values({ ...fields, createdAt: now, updatedAt: now })
            .onConflictDoNothing({ target: surveys.slug })
            .returning({ id: surveys.id })
            .get();
          if (!inserted) throw new SlugTaken(fields.slug);
          insertQuestions(tx, inserted.id, fields, questions, now);
          insertAudit(tx, fields.slug, now, audit);
          return surveyReader(tx).byId(inserted.id)!;
        }, IMMEDIATE),
      );
    },

    async updateSurvey(id, fields, { questions, now, audit }) {
      try {
        return slugTaken(() =>
          db.transaction((tx) => {
            const current = tx.select().from(surveys).where(eq(surveys.id, id)).get();
            if (!current) return 'not_found' as const;
            const next: SurveyFields = { ...current, ...fields };
            if (next.slug !== current.slug) {
              const clash = tx.select({ id: surveys.id }).from(surveys).where(eq(surveys.slug, next.slug)).get();
              if (clash) throw new SlugTaken(next.slug);
            }
            if (questions) {
              const responded = tx
                .select({ id: surveyResponses.id })
                .from(surveyResponses)
                .where(eq(surveyResponses.surveyId, id))
                .limit(1)
                .get();
              const voted = tx
                .select({ id: votes.id })
                .from(votes)
                .innerJoin(polls, eq(polls.id, votes.pollId))
                .where(eq(polls.surveyId, id))
                .limit(1)
                .get();
              if (responded || voted) throw new HasResponses();
              // No response, so no tally of the old questions holds anything: they go whole.
              tx.delete(polls).where(eq(polls.surveyId, id)).run();
              tx.delete(surveyPageTallies).where(eq(surveyPageTallies.surveyId, id)).run();
              insertQuestions(tx, id, next, questions, now);
            }
            tx.update(surveys)
              .set({ ...fields, updatedAt: now })
              .where(eq(surveys.id, id))
              .run();
            tx.update(polls)
              .set({ ...copiedFields(next), updatedAt: now })
              .where(eq(polls.surveyId, id))
              .run();
            insertAudit(tx, next.slug, now, audit);
            return surveyReader(tx).byId(id)!;
          }, IMMEDIATE),
        );
      } catch (error) {
        if (error instanceof HasResponses) return 'has_responses';
        throw error;
      }
    },

    async deleteSurvey(id, now, audit) {
      return db.transaction((tx) => {
        // The question polls first (their votes and tallies go with them), then the survey
        // (its responses, answers, locks and tallies by their foreign keys).
        tx.delete(polls).where(eq(polls.surveyId, id)).run();
        const deleted = tx.delete(surveys).where(eq(surveys.id, id)).returning({ slug: surveys.slug }).get();
        if (deleted) insertAudit(tx, deleted.slug, now, audit);
        return deleted !== undefined;
      }, IMMEDIATE);
    },

    ...createSurveySubmissions(db),

    async findResponse(surveyId, responseId) {
      return db.transaction(
        () => {
          const row = db
            .select()
            .from(surveyResponses)
            .where(and(eq(surveyResponses.id, responseId), eq(surveyResponses.surveyId, surveyId)))
            .get();
          if (!row) return null;
          return {
            id: row.id,
            surveyId: row.surveyId,
            pagesDone: row.pagesDone,
            finished: row.finished,
            profile: row.profile,
            answers: answersOf(db, [row.id]).get(row.id)!,
          };
        },
        { behavior: 'deferred' },
      );
    },

    async hasSurveyPersonLock(surveyId, lockKey) {
      return (
        db
          .select({ surveyId: surveyPersonLocks.surveyId })
          .from(surveyPersonLocks)
          .where(and(eq(surveyPersonLocks.surveyId, surveyId), eq(surveyPersonLocks.lockKey, lockKey)))
          .get() !== undefined
      );
    },
    async hasResponded(surveyId, deviceKey) {
      return (
        db
          .select({ id: surveyResponses.id })
          .from(surveyResponses)
          .where(and(eq(surveyResponses.surveyId, surveyId), eq(surveyResponses.deviceKey, deviceKey)))
          .limit(1)
          .get() !== undefined
      );
    },

    async funnel(surveyId) {
      return db.transaction(
        () => {
          const last = db
            .select({ page: sql<number | null>`max(${polls.surveyPage})` })
            .from(polls)
            .where(eq(polls.surveyId, surveyId))
            .get()?.page;
          const tallies = new Map(
            db
              .select()
              .from(surveyPageTallies)
              .where(eq(surveyPageTallies.surveyId, surveyId))
              .all()
              .map((row) => [row.page, row]),
          );
          return Array.from({ length: last === null || last === undefined ? 0 : last + 1 }, (_, page) => ({
            page: page + 1,
            reached: tallies.get(page)?.reached ?? 0,
            completed: tallies.get(page)?.completed ?? 0,
          }));
        },
        { behavior: 'deferred' },
      );
    },

    async crossQuestionCounts(byPollId, targetPollId) {
      return db.transaction(
        () => {
          const keys = new Map(
            db
              .select({ id: pollOptions.id, key: pollOptions.key })
              .from(pollOptions)
              .where(eq(pollOptions.pollId, byPollId))
              .all()
              .map((o) => [o.id, o.key]),
          );
          const target = db.select({ n: polls.responseCount }).from(polls).where(eq(polls.id, targetPollId)).get();
          const optionVotes = new Map(
            db
              .select({ id: pollOptions.id, n: pollOptions.votes })
              .from(pollOptions)
              .where(eq(pollOptions.pollId, targetPollId))
              .all()
              .map((o) => [o.id, o.n]),
          );
          const segments = new Map<string, GroupCounts>();
          const group = (optionId: number) => {
            const key = keys.get(optionId) ?? String(optionId);
            return segments.get(key) ?? segments.set(key, { responses: 0, optionVotes: new Map() }).get(key)!;
          };
          const pair = and(eq(surveyPairTallies.byPollId, byPollId), eq(surveyPairTallies.pollId, targetPollId));
          for (const row of db.select().from(surveyPairTallies).where(pair).all())
            group(row.byOptionId).responses += row.responses;
          const pairVotes = and(
            eq(surveyPairOptionTallies.byPollId, byPollId),
            eq(surveyPairOptionTallies.pollId, targetPollId),
          );
          for (const row of db.select().from(surveyPairOptionTallies).where(pairVotes).all())
            group(row.byOptionId).optionVotes.set(row.optionId, row.votes);
          return { crossSection: { responses: target?.n ?? 0, optionVotes }, segments };
        },
        { behavior: 'deferred' },
      );
    },

    async surveyDailyCounts(surveyId, fromDay, toDay) {
      return db.transaction(
        () => {
          const first = db
            .select({ day: sql<number | null>`min(${surveyDayTallies.day})` })
            .from(surveyDayTallies)
            .where(eq(surveyDayTallies.surveyId, surveyId))
            .get();
          const days = db
            .select({
              day: surveyDayTallies.day,
              started: surveyDayTallies.started,
              finished: surveyDayTallies.finished,
            })
            .from(surveyDayTallies)
            .where(and(eq(surveyDayTallies.surveyId, surveyId), between(surveyDayTallies.day, fromDay, toDay)))
            .orderBy(asc(surveyDayTallies.day))
            .all();
          return { firstDay: first?.day ?? null, days };
        },
        { behavior: 'deferred' },
      );
    },

    async responsesPage(surveyId, after, limit) {
      return db.transaction(
        () => {
          const rows = db
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
            .limit(limit)
            .all();
          const answers = answersOf(
            db,
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
        },
        { behavior: 'deferred' },
      );
    },
  };
}
