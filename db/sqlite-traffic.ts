/**
 * Traffic per network prefix digest and the quarantine of bursts, in SQLite. A quarantine marks
 * the votes (votes.quarantine_id) and takes them out of every tally through the same counted-vote
 * code a withdrawn survey answer uses; the rows stay, so restoring counts them in again from
 * their own choices, profile answers, ranking and day. Each write is one BEGIN IMMEDIATE
 * transaction with its audit row.
 */
import type { AuditEntry, PollStore, PrefixHour, QuarantineOutcome, QuarantineRecord } from '../src/lib/store';
import type { Db } from './client';
import { createCountedVotes } from './sqlite-counted-votes';

const QUARANTINE_COLUMNS = `id, prefix_key as prefixKey, from_at as fromAt, to_at as toAt, votes,
  created_at as createdAt, restored_at as restoredAt`;

export function createSqliteTraffic(
  db: Db,
): Pick<PollStore, 'trafficOf' | 'quarantineBurst' | 'restoreQuarantine' | 'quarantinesOf' | 'countedVotesIn'> {
  const counted = createCountedVotes(db);
  const client = db.$client;
  const traffic = client.prepare<[number, number, number], PrefixHour>(
    `select prefix_key as prefixKey, hour, votes, refused from prefix_hour_tallies
     where poll_id = ? and hour between ? and ? order by hour, prefix_key`,
  );
  const pollOf = client.prepare<[number], { slug: string; surveyId: number | null }>(
    'select slug, survey_id as surveyId from polls where id = ?',
  );
  // The votes_poll_prefix index (poll, prefix, time) finds them without touching other votes.
  const burstVotes = client.prepare<[number, string, number, number], { id: number }>(
    `select id from votes where poll_id = ? and prefix_key = ? and created_at >= ? and created_at < ?
     and quarantine_id is null`,
  );
  const countBurst = client.prepare<[number, string, number, number], { n: number }>(
    `select count(*) as n from votes where poll_id = ? and prefix_key = ? and created_at >= ? and created_at < ?
     and quarantine_id is null`,
  );
  const insertQuarantine = client.prepare<[number, string, number, number, number, number], { id: number }>(
    `insert into quarantines (poll_id, prefix_key, from_at, to_at, votes, created_at) values (?, ?, ?, ?, ?, ?)
     returning id`,
  );
  const mark = client.prepare<[number | null, number]>('update votes set quarantine_id = ? where id = ?');
  const held = client.prepare<[number], { id: number }>('select id from votes where quarantine_id = ?');
  const moveCount = client.prepare<[number, number]>(
    'update polls set quarantined_count = quarantined_count + ? where id = ?',
  );
  const activeQuarantine = client.prepare<[number, number], { id: number }>(
    'select id from quarantines where id = ? and poll_id = ? and restored_at is null',
  );
  const restore = client.prepare<[number, number]>('update quarantines set restored_at = ? where id = ?');
  const quarantine = client.prepare<[number], QuarantineRecord>(
    `select ${QUARANTINE_COLUMNS} from quarantines where id = ?`,
  );
  const quarantines = client.prepare<[number], QuarantineRecord>(
    `select ${QUARANTINE_COLUMNS} from quarantines where poll_id = ? order by created_at desc, id desc`,
  );
  const audit = client.prepare<[number, string, string, string, string]>(
    'insert into audit_log (at, actor, action, poll_slug, details) values (?, ?, ?, ?, ?)',
  );
  const writeAudit = (now: number, slug: string, entry: AuditEntry) =>
    audit.run(now, entry.actor, entry.action, slug, entry.details ?? '');

  const quarantineIn = db.$client.transaction(
    (pollId: number, prefixKey: string, fromAt: number, toAt: number, now: number, entry: AuditEntry) => {
      const poll = pollOf.get(pollId);
      if (!poll) return { outcome: 'not_found' } as const;
      if (poll.surveyId !== null) return { outcome: 'survey_question' } as const;
      const ids = burstVotes.all(pollId, prefixKey, fromAt, toAt).map((row) => row.id);
      if (ids.length === 0) return { outcome: 'empty' } as const;
      const { id } = insertQuarantine.get(pollId, prefixKey, fromAt, toAt, ids.length, now)!;
      for (const voteId of ids) {
        mark.run(id, voteId);
        counted.uncount(voteId, now);
      }
      moveCount.run(ids.length, pollId);
      writeAudit(now, poll.slug, entry);
      return { outcome: 'done', quarantine: quarantine.get(id)!, pollSlug: poll.slug } as const;
    },
  );

  const restoreIn = db.$client.transaction((pollId: number, quarantineId: number, now: number, entry: AuditEntry) => {
    const poll = pollOf.get(pollId);
    if (!poll || !activeQuarantine.get(quarantineId, pollId)) return { outcome: 'not_found' } as const;
    const ids = held.all(quarantineId).map((row) => row.id);
    for (const voteId of ids) {
      mark.run(null, voteId);
      counted.countIn(voteId, now);
    }
    moveCount.run(-ids.length, pollId);
    restore.run(now, quarantineId);
    writeAudit(now, poll.slug, entry);
    return { outcome: 'done', quarantine: quarantine.get(quarantineId)!, pollSlug: poll.slug } as const;
  });

  return {
    async trafficOf(pollId, fromHour, toHour) {
      return traffic.all(pollId, fromHour, toHour);
    },
    async quarantineBurst(pollId, prefixKey, fromAt, toAt, now, entry): Promise<QuarantineOutcome> {
      return quarantineIn.immediate(pollId, prefixKey, fromAt, toAt, now, entry);
    },
    async restoreQuarantine(pollId, quarantineId, now, entry): Promise<QuarantineOutcome> {
      return restoreIn.immediate(pollId, quarantineId, now, entry);
    },
    async quarantinesOf(pollId) {
      return quarantines.all(pollId);
    },
    async countedVotesIn(pollId, prefixKey, fromAt, toAt) {
      return countBurst.get(pollId, prefixKey, fromAt, toAt)!.n;
    },
  };
}
