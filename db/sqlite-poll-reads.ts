/**
 * The poll reads on every vote and every results request (by slug, by id, with its options),
 * as better-sqlite3 statements prepared once. No query builder on this path: building the SQL
 * and mapping the rows through Drizzle cost more CPU than SQLite's own work on these reads.
 * The rows are mapped here exactly as toRecord (db/sqlite-store.ts) maps Drizzle's.
 */
import type { OptionRecord, PollRecord } from '../src/lib/types';
import type { Db } from './client';

/** The columns of a PollRecord, named as the record names them. */
const POLL_COLUMNS = `id, slug, question, description, type, scale, min_choices as minChoices,
  max_choices as maxChoices, status, opens_at as opensAt, closes_at as closesAt,
  results_visibility as resultsVisibility, duplicate_policy as duplicatePolicy,
  network_identity as networkIdentity, address_budget as addressBudget, embed_origins as embedOrigins,
  response_count as responseCount, duplicate_count as duplicateCount, quarantined_count as quarantinedCount, profile,
  allow_other as allowOther, created_at as createdAt, updated_at as updatedAt, survey_id as surveyId`;

/** A polls row as SQLite returns it: the JSON and boolean columns still raw. */
type PollRow = Omit<PollRecord, 'options' | 'profile' | 'allowOther' | 'addressBudget' | 'embedOrigins'> & {
  profile: string;
  allowOther: number;
  addressBudget: string | null;
  embedOrigins: string;
};

interface OptionRow {
  id: number;
  key: string;
  label: string;
  position: number;
  exclusive: number;
  rangeLow: number | null;
  rangeHigh: number | null;
  value: number | null;
  other: number;
  votes: number;
}

export interface PollReads {
  findById(id: number): PollRecord | null;
  findBySlug(slug: string): PollRecord | null;
  optionsOf(pollId: number): OptionRecord[];
}

export function createPollReads(db: Db): PollReads {
  const client = db.$client;
  const byId = client.prepare<[number], PollRow>(`select ${POLL_COLUMNS} from polls where id = ?`);
  const bySlug = client.prepare<[string], PollRow>(`select ${POLL_COLUMNS} from polls where slug = ?`);
  const options = client.prepare<[number], OptionRow>(
    `select id, key, label, position, exclusive, range_low as rangeLow, range_high as rangeHigh, value, other, votes
     from poll_options where poll_id = ? order by position`,
  );

  const optionsOf = (pollId: number): OptionRecord[] =>
    options.all(pollId).map((row) => ({
      id: row.id,
      key: row.key,
      label: row.label,
      position: row.position,
      exclusive: row.exclusive === 1,
      range: row.rangeLow !== null && row.rangeHigh !== null ? { low: row.rangeLow, high: row.rangeHigh } : null,
      value: row.value,
      other: row.other === 1,
      votes: row.votes,
    }));

  const recordOf = (row: PollRow | undefined): PollRecord | null =>
    row
      ? {
          ...row,
          profile: JSON.parse(row.profile) as PollRecord['profile'],
          addressBudget:
            row.addressBudget === null ? null : (JSON.parse(row.addressBudget) as PollRecord['addressBudget']),
          embedOrigins: JSON.parse(row.embedOrigins) as string[],
          allowOther: row.allowOther === 1,
          options: optionsOf(row.id),
        }
      : null;

  // Polls as last read, kept while nothing has been written since: total_changes() moves with
  // every row this connection writes (any store, any table), data_version with every commit of
  // another connection (a script, a recount). One tiny statement instead of two reads and the
  // mapping, on every vote and every results request; a vote empties it, so under a burst of
  // votes a group's readers share one read.
  const stamp = client.prepare<[], { own: number; others: number }>(
    'select total_changes() as own, data_version as others from pragma_data_version',
  );
  let seen = { own: -1, others: -1 };
  const bySlugCache = new Map<string, PollRecord>();
  const byIdCache = new Map<number, PollRecord>();
  /** Whether the cache may be used now (emptied first if anything was written since). */
  const cacheUsable = () => {
    // Inside a transaction a read may see this transaction's own writes, which a rollback would
    // undo without moving total_changes() back: such reads are neither served nor kept.
    if (client.inTransaction) return false;
    const now = stamp.get()!;
    if (now.own !== seen.own || now.others !== seen.others) {
      bySlugCache.clear();
      byIdCache.clear();
      seen = now;
    }
    return true;
  };
  const cached = <K>(cache: Map<K, PollRecord>, key: K, read: () => PollRecord | null): PollRecord | null => {
    if (!cacheUsable()) return read();
    const hit = cache.get(key);
    if (hit) return hit;
    const record = read();
    if (record) {
      // Shared by every caller until the next write: frozen, so none can change it for the others.
      deepFreeze(record);
      bySlugCache.set(record.slug, record);
      byIdCache.set(record.id, record);
    }
    return record;
  };

  return {
    findById: (id) => cached(byIdCache, id, () => recordOf(byId.get(id))),
    findBySlug: (slug) => cached(bySlugCache, slug, () => recordOf(bySlug.get(slug))),
    optionsOf,
  };
}

function deepFreeze(record: PollRecord): void {
  for (const option of record.options) {
    if (option.range) Object.freeze(option.range);
    Object.freeze(option);
  }
  Object.freeze(record.options);
  Object.freeze(record.profile);
  Object.freeze(record);
}
