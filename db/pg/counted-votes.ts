/**
 * How a vote is counted and uncounted in the PostgreSQL tallies, shared by the poll vote writer
 * (db/pg/votes.ts), quarantine (db/pg/traffic.ts) and survey submissions: the same moves as
 * db/sqlite-counted-votes.ts, on the caller's transaction.
 *
 * Every tally moves by `+ 1` / `- 1` in the database (upserts, never read-modify-write), in a
 * sorted order (option ids, then profile answers by dimension), and a vote's whole write is two
 * statements: the option tallies first (their row count is the stale-ballot check), then one
 * statement whose data-modifying CTEs insert the vote with its rows and move every other tally.
 * The caller holds the poll's row lock (or its survey's), so no two writers move one poll's
 * tallies at once.
 */
import { sql, type SQL } from 'drizzle-orm';
import { DAY_MS, voteMinute } from '../../src/lib/store';
import type { ProfileAnswers } from '../../src/lib/profile';
import { normaliseWriteIn } from '../../src/lib/write-in';
import { StaleOptions, type CountedVote } from '../sqlite-counted-votes';
import type { PgTx } from './client';

export { StaleOptions, type CountedVote };

/** What a vote moves in the tallies, besides its option tallies and its poll's response count. */
interface VoteTallies {
  pollId: number;
  /** Option ids, ascending. */
  optionIds: number[];
  /** Answered profile dimensions, in JavaScript string order (as SQLite stores the pairs), and their values. */
  dimensions: string[];
  values: string[];
  /** Days since 1970-01-01 of the vote's stored minute. */
  day: number;
  /** A ranked ballot's option ids joined by commas; null otherwise. */
  ranking: string | null;
}

const ascending = (a: number, b: number) => a - b;
const int = (value: number) => sql`${value}::int`;
const ints = (values: readonly number[]) => sql`${sql.param([...values])}::int[]`;
const texts = (values: readonly string[]) => sql`${sql.param([...values])}::text[]`;

/** The answered dimensions in dimension order, so each pair is (a, b) with a < b, as in SQLite. */
function answeredOf(profile: ProfileAnswers): { dimensions: string[]; values: string[] } {
  const answered = Object.entries(profile)
    .filter((entry): entry is [string, string] => !!entry[1])
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return { dimensions: answered.map(([dimension]) => dimension), values: answered.map(([, value]) => value) };
}

/** A tally table a vote moves: its key columns (the primary key) and its count column. */
interface TallyTable {
  table: string;
  keys: string[];
  count: string;
  /** The key rows this vote moves, as a select yielding the key columns in order (sorted). */
  rows: (vote: VoteTallies) => SQL;
}

/** The answer pairs (a < b) of a vote's profile, as parallel arrays. */
function pairsOf(vote: VoteTallies) {
  const pairs = {
    dimensionA: [] as string[],
    valueA: [] as string[],
    dimensionB: [] as string[],
    valueB: [] as string[],
  };
  vote.dimensions.forEach((dimensionA, i) => {
    for (let j = i + 1; j < vote.dimensions.length; j++) {
      pairs.dimensionA.push(dimensionA);
      pairs.valueA.push(vote.values[i]!);
      pairs.dimensionB.push(vote.dimensions[j]!);
      pairs.valueB.push(vote.values[j]!);
    }
  });
  return pairs;
}

const answers = (vote: VoteTallies) =>
  sql`unnest(${texts(vote.dimensions)}, ${texts(vote.values)}) with ordinality as s(dimension, value, n)`;
const pairRows = (vote: VoteTallies) => {
  const pairs = pairsOf(vote);
  return sql`unnest(${texts(pairs.dimensionA)}, ${texts(pairs.valueA)}, ${texts(pairs.dimensionB)},
    ${texts(pairs.valueB)}) with ordinality as s(dimension_a, value_a, dimension_b, value_b, n)`;
};
const options = (vote: VoteTallies) => sql`unnest(${ints(vote.optionIds)}) with ordinality as o(option_id, n)`;

/** Every tally a vote moves besides its options and poll; each `rows` select is in a fixed (sorted) order. */
const TALLIES: TallyTable[] = [
  {
    table: 'segment_tallies',
    keys: ['poll_id', 'dimension', 'value'],
    count: 'responses',
    rows: (vote) => sql`select ${int(vote.pollId)}, s.dimension, s.value from ${answers(vote)} order by s.n`,
  },
  {
    table: 'segment_option_tallies',
    keys: ['poll_id', 'dimension', 'value', 'option_id'],
    count: 'votes',
    rows: (vote) =>
      sql`select ${int(vote.pollId)}, s.dimension, s.value, o.option_id from ${answers(vote)} cross join ${options(vote)}
        order by s.n, o.n`,
  },
  {
    table: 'segment_pair_tallies',
    keys: ['poll_id', 'dimension_a', 'value_a', 'dimension_b', 'value_b'],
    count: 'responses',
    rows: (vote) =>
      sql`select ${int(vote.pollId)}, s.dimension_a, s.value_a, s.dimension_b, s.value_b from ${pairRows(vote)}
        order by s.n`,
  },
  {
    table: 'segment_pair_option_tallies',
    keys: ['poll_id', 'dimension_a', 'value_a', 'dimension_b', 'value_b', 'option_id'],
    count: 'votes',
    rows: (vote) =>
      sql`select ${int(vote.pollId)}, s.dimension_a, s.value_a, s.dimension_b, s.value_b, o.option_id
        from ${pairRows(vote)} cross join ${options(vote)} order by s.n, o.n`,
  },
  {
    table: 'period_tallies',
    keys: ['poll_id', 'day'],
    count: 'responses',
    rows: (vote) => sql`select ${int(vote.pollId)}, ${int(vote.day)}`,
  },
  {
    table: 'period_option_tallies',
    keys: ['poll_id', 'day', 'option_id'],
    count: 'votes',
    rows: (vote) => sql`select ${int(vote.pollId)}, ${int(vote.day)}, o.option_id from ${options(vote)} order by o.n`,
  },
  {
    table: 'ranking_tallies',
    keys: ['poll_id', 'ranking'],
    count: 'ballots',
    rows: (vote) =>
      vote.ranking === null
        ? sql`select ${int(vote.pollId)}, ''::text where false`
        : sql`select ${int(vote.pollId)}, ${vote.ranking}::text`,
  },
];

/**
 * The CTEs moving one tally table by `step` for the vote: `+ 1` is an upsert (a missing row is
 * created at 1); `- 1` decrements rows above 1 and deletes those it would bring to 0 — two CTEs
 * on disjoint rows, as both see the statement's snapshot.
 */
function moveTally(tally: TallyTable, vote: VoteTallies, step: 1 | -1, name: string): SQL[] {
  const table = sql.identifier(tally.table);
  const count = sql.identifier(tally.count);
  const keys = sql.join(
    tally.keys.map((key) => sql.identifier(key)),
    sql`, `,
  );
  if (step === 1) {
    return [
      sql`${sql.identifier(name)} as (insert into ${table} (${keys}, ${count}) select *, 1 from (${tally.rows(vote)}) k
        on conflict (${keys}) do update set ${count} = ${table}.${count} + 1)`,
    ];
  }
  const matches = sql.join(
    tally.keys.map((key) => sql`t.${sql.identifier(key)} = k.${sql.identifier(key)}`),
    sql` and `,
  );
  return [
    sql`${sql.identifier(`${name}_down`)} as (update ${table} t set ${count} = t.${count} - 1
      from (${tally.rows(vote)}) k (${keys}) where ${matches} and t.${count} > 1)`,
    sql`${sql.identifier(`${name}_gone`)} as (delete from ${table} t using (${tally.rows(vote)}) k (${keys})
      where ${matches} and t.${count} <= 1)`,
  ];
}

/** Every tally of `vote` but its options' moved by `step`, as CTEs. */
const moveTallies = (vote: VoteTallies, step: 1 | -1): SQL[] =>
  TALLIES.flatMap((tally, i) => moveTally(tally, vote, step, `tally_${i}`));

/** The poll's response count by `step`, and its updatedAt to `minute` unless it is later already. */
const movePoll = (pollId: number, step: 1 | -1, minute: number) =>
  sql`poll as (update polls set response_count = response_count + ${int(step)},
    updated_at = greatest(updated_at, ${minute}::bigint) where id = ${int(pollId)})`;

/**
 * The one way a vote is counted and uncounted on PostgreSQL (db/sqlite-counted-votes.ts says
 * what each does); each runs on the caller's transaction `tx`, which holds the poll's row lock.
 * - insert: the vote row, its choices, profile answers, ranking and write-in, and every tally
 *   it moves. Throws StaleOptions when an option id is not the poll's (roll back, check again).
 * - uncount / countIn: every tally of a stored vote `- 1` / `+ 1`, read from its rows; `at` (ms)
 *   moves the poll's updatedAt to its minute as a vote does. The rows stay.
 * - withdraw: uncount (unless quarantine already did), then the vote row and, by their foreign
 *   keys, its choices, profile answers, ranking, write-in, locks and survey answer.
 */
export function createPgCountedVotes() {
  const insert = async (tx: PgTx, vote: CountedVote): Promise<number> => {
    const createdAt = voteMinute(vote.createdAt);
    const optionIds = [...vote.optionIds].sort(ascending);
    // The ballot was checked against options read before this transaction; an edit in between
    // (possible only while the poll had no votes) makes the ids stale. Option ids in ascending order.
    const counted = await tx.execute(
      sql`update poll_options set votes = votes + 1 where poll_id = ${int(vote.pollId)} and id = any(${ints(optionIds)})`,
    );
    if (counted.rowCount !== vote.optionIds.length) throw new StaleOptions();
    const { dimensions, values } = answeredOf(vote.profile);
    const ranking = vote.ranking ? vote.ranking.join(',') : null;
    const tallies: VoteTallies = {
      pollId: vote.pollId,
      optionIds,
      dimensions,
      values,
      day: Math.floor(createdAt / DAY_MS),
      ranking,
    };
    const pollId = int(vote.pollId);
    const other = vote.otherText ? { text: vote.otherText, normalized: normaliseWriteIn(vote.otherText) } : null;
    const ctes: SQL[] = [
      sql`v as (insert into votes (poll_id, created_at, source, device_key, prefix_key)
        values (${pollId}, ${createdAt}::bigint, ${vote.source}, ${vote.deviceKey}::text, ${vote.prefixKey ?? null}::text)
        returning id)`,
      sql`choices as (insert into vote_choices (vote_id, option_id) select v.id, o.option_id from v, ${options(tallies)})`,
      sql`answers as (insert into vote_profiles (vote_id, poll_id, dimension, value)
        select v.id, ${pollId}, s.dimension, s.value from v, ${answers(tallies)})`,
      ...moveTallies(tallies, 1),
      movePoll(vote.pollId, 1, createdAt),
    ];
    if (ranking !== null)
      ctes.push(
        sql`ranked as (insert into vote_rankings (vote_id, poll_id, ranking) select v.id, ${pollId}, ${ranking} from v)`,
      );
    if (other)
      ctes.push(
        sql`other as (insert into other_answers (vote_id, poll_id, text, normalized)
          select v.id, ${pollId}, ${other.text}, ${other.normalized} from v)`,
      );
    const inserted = await tx.execute<{ id: number }>(sql`with ${sql.join(ctes, sql`, `)} select id from v`);
    return inserted.rows[0]!.id;
  };

  /** A stored vote as its tallies see it, or null when it is gone. */
  const readVote = async (tx: PgTx, voteId: number) => {
    const { rows } = await tx.execute<{
      pollId: number;
      createdAt: number;
      quarantineId: number | null;
      optionIds: number[];
      dimensions: string[];
      values: string[];
      ranking: string | null;
    }>(sql`select v.poll_id as "pollId", v.created_at as "createdAt", v.quarantine_id as "quarantineId",
        array(select option_id from vote_choices where vote_id = v.id order by option_id) as "optionIds",
        array(select dimension from vote_profiles where vote_id = v.id order by dimension) as dimensions,
        array(select value from vote_profiles where vote_id = v.id order by dimension) as "values",
        (select ranking from vote_rankings where vote_id = v.id) as ranking
      from votes v where v.id = ${int(voteId)}`);
    const row = rows[0];
    if (!row) return null;
    // Pairs as SQLite forms them: in JavaScript string order of the dimension (not the collation's).
    const profile = Object.fromEntries(row.dimensions.map((dimension, i) => [dimension, row.values[i]!]));
    const tallies: VoteTallies = {
      pollId: row.pollId,
      optionIds: row.optionIds,
      ...answeredOf(profile),
      day: Math.floor(row.createdAt / DAY_MS),
      ranking: row.ranking,
    };
    return { quarantined: row.quarantineId !== null, tallies };
  };

  /** Moves every tally of the vote by `step`, its poll's updatedAt to `at`'s minute; deletes the vote too with `remove`. */
  const move = async (
    tx: PgTx,
    voteId: number,
    tallies: VoteTallies | null,
    step: 1 | -1,
    at: number,
    remove: boolean,
  ) => {
    const ctes: SQL[] = [];
    if (tallies) {
      ctes.push(
        sql`options as (update poll_options set votes = votes + ${int(step)} where id = any(${ints(tallies.optionIds)}))`,
        movePoll(tallies.pollId, step, voteMinute(at)),
        ...moveTallies(tallies, step),
      );
    }
    if (remove) ctes.push(sql`gone as (delete from votes where id = ${int(voteId)})`);
    if (ctes.length > 0) await tx.execute(sql`with ${sql.join(ctes, sql`, `)} select 1`);
  };

  /** Takes one vote out of every tally; its rows stay (quarantine). */
  const uncount = async (tx: PgTx, voteId: number, at: number): Promise<void> => {
    const vote = await readVote(tx, voteId);
    if (vote) await move(tx, voteId, vote.tallies, -1, at, false);
  };

  /** Counts one stored vote in every tally again (a restored quarantine). */
  const countIn = async (tx: PgTx, voteId: number, at: number): Promise<void> => {
    const vote = await readVote(tx, voteId);
    if (vote) await move(tx, voteId, vote.tallies, 1, at, false);
  };

  /** Uncounts and deletes one vote; `at` (ms) moves the poll's updatedAt to its minute as a vote does. */
  const withdraw = async (tx: PgTx, voteId: number, at: number): Promise<void> => {
    const vote = await readVote(tx, voteId);
    if (!vote) return;
    // A quarantined vote is out of the tallies already: taking it out again would count it twice.
    await move(tx, voteId, vote.quarantined ? null : vote.tallies, -1, at, true);
  };

  return { insert, uncount, countIn, withdraw };
}

export type PgCountedVotes = ReturnType<typeof createPgCountedVotes>;
