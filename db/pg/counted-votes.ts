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
/** Votes per statement of an import (its arrays stay well within a statement's size). */
const IMPORT_SLICE = 5000;
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
  /**
   * The key rows stored votes move, with how many votes move each (`n`), from the CTEs of
   * moveStored: vs (the votes), ch (their choices), pr (profile answers), pairs, rk (rankings).
   */
  stored: SQL;
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
    stored: sql`select poll_id, dimension, value, count(*)::int as n from pr group by 1, 2, 3 order by 1, 2, 3`,
    keys: ['poll_id', 'dimension', 'value'],
    count: 'responses',
    rows: (vote) => sql`select ${int(vote.pollId)}, s.dimension, s.value from ${answers(vote)} order by s.n`,
  },
  {
    table: 'segment_option_tallies',
    stored: sql`select pr.poll_id, pr.dimension, pr.value, ch.option_id, count(*)::int as n
      from pr join ch using (vote_id) group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
    keys: ['poll_id', 'dimension', 'value', 'option_id'],
    count: 'votes',
    rows: (vote) =>
      sql`select ${int(vote.pollId)}, s.dimension, s.value, o.option_id from ${answers(vote)} cross join ${options(vote)}
        order by s.n, o.n`,
  },
  {
    table: 'segment_pair_tallies',
    stored: sql`select poll_id, dimension_a, value_a, dimension_b, value_b, count(*)::int as n
      from pairs group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`,
    keys: ['poll_id', 'dimension_a', 'value_a', 'dimension_b', 'value_b'],
    count: 'responses',
    rows: (vote) =>
      sql`select ${int(vote.pollId)}, s.dimension_a, s.value_a, s.dimension_b, s.value_b from ${pairRows(vote)}
        order by s.n`,
  },
  {
    table: 'segment_pair_option_tallies',
    stored: sql`select pairs.poll_id, dimension_a, value_a, dimension_b, value_b, ch.option_id, count(*)::int as n
      from pairs join ch using (vote_id) group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`,
    keys: ['poll_id', 'dimension_a', 'value_a', 'dimension_b', 'value_b', 'option_id'],
    count: 'votes',
    rows: (vote) =>
      sql`select ${int(vote.pollId)}, s.dimension_a, s.value_a, s.dimension_b, s.value_b, o.option_id
        from ${pairRows(vote)} cross join ${options(vote)} order by s.n, o.n`,
  },
  {
    table: 'period_tallies',
    stored: sql`select poll_id, day, count(*)::int as n from vs group by 1, 2 order by 1, 2`,
    keys: ['poll_id', 'day'],
    count: 'responses',
    rows: (vote) => sql`select ${int(vote.pollId)}, ${int(vote.day)}`,
  },
  {
    table: 'period_option_tallies',
    stored: sql`select poll_id, day, option_id, count(*)::int as n from ch group by 1, 2, 3 order by 1, 2, 3`,
    keys: ['poll_id', 'day', 'option_id'],
    count: 'votes',
    rows: (vote) => sql`select ${int(vote.pollId)}, ${int(vote.day)}, o.option_id from ${options(vote)} order by o.n`,
  },
  {
    table: 'ranking_tallies',
    stored: sql`select poll_id, ranking, count(*)::int as n from rk group by 1, 2 order by 1, 2`,
    keys: ['poll_id', 'ranking'],
    count: 'ballots',
    rows: (vote) =>
      vote.ranking === null
        ? sql`select ${int(vote.pollId)}, ''::text where false`
        : sql`select ${int(vote.pollId)}, ${vote.ranking}::text`,
  },
];

/** The CTE counting one tally table `+ 1` for the vote: an upsert (a missing row is created at 1). */
function countTally(tally: TallyTable, vote: VoteTallies, name: string): SQL {
  const table = sql.identifier(tally.table);
  const count = sql.identifier(tally.count);
  const keys = sql.join(
    tally.keys.map((key) => sql.identifier(key)),
    sql`, `,
  );
  return sql`${sql.identifier(name)} as (insert into ${table} (${keys}, ${count}) select *, 1 from (${tally.rows(vote)}) k
    on conflict (${keys}) do update set ${count} = ${table}.${count} + 1)`;
}

/**
 * The CTEs moving one tally table by `step` times each stored row's `n`: an upsert up; down, a
 * decrement of the rows above n and the deletion of those it would bring to 0 or below.
 */
function moveGrouped(tally: TallyTable, step: 1 | -1, name: string): SQL[] {
  const table = sql.identifier(tally.table);
  const count = sql.identifier(tally.count);
  const keys = sql.join(
    tally.keys.map((key) => sql.identifier(key)),
    sql`, `,
  );
  if (step === 1) {
    return [
      sql`${sql.identifier(name)} as (insert into ${table} (${keys}, ${count}) select * from (${tally.stored}) k
        on conflict (${keys}) do update set ${count} = ${table}.${count} + excluded.${count})`,
    ];
  }
  const matches = sql.join(
    tally.keys.map((key) => sql`t.${sql.identifier(key)} = k.${sql.identifier(key)}`),
    sql` and `,
  );
  return [
    sql`${sql.identifier(`${name}_down`)} as (update ${table} t set ${count} = t.${count} - k.n
      from (${tally.stored}) k (${keys}, n) where ${matches} and t.${count} > k.n)`,
    sql`${sql.identifier(`${name}_gone`)} as (delete from ${table} t using (${tally.stored}) k (${keys}, n)
      where ${matches} and t.${count} <= k.n)`,
  ];
}

/** Every tally of `vote` but its options' counted `+ 1`, as CTEs. */
const countTallies = (vote: VoteTallies): SQL[] => TALLIES.map((tally, i) => countTally(tally, vote, `tally_${i}`));

/** The poll's response count by `step`, and its updatedAt to `minute` unless it is later already. */
const movePoll = (pollId: number, step: 1 | -1, minute: number) =>
  sql`poll as (update polls set response_count = response_count + ${int(step)},
    updated_at = greatest(updated_at, ${minute}::bigint) where id = ${int(pollId)})`;

/**
 * `votes + 1` on the chosen options of the poll, in ascending id order; as a statement or a CTE's
 * body, `returning id`: fewer rows than ids means a stale ballot (an id not the poll's).
 */
export const countOptions = (pollId: number, optionIds: readonly number[]) =>
  sql`update poll_options set votes = votes + 1
    where poll_id = ${int(pollId)} and id = any(${ints([...optionIds].sort(ascending))}) returning id`;

/**
 * The one way a vote is counted and uncounted on PostgreSQL (db/sqlite-counted-votes.ts says
 * what each does); each runs on the caller's transaction `tx`, which holds the poll's row lock.
 * - insert: the vote row, its choices, profile answers, ranking and write-in, and every tally
 *   it moves. Throws StaleOptions when an option id is not the poll's (roll back, check again).
 * - writeVote: insert after the caller moved the option tallies itself (countOptions, folded into
 *   its own statement), with the caller's own CTEs in the vote's statement (recordVote's locks).
 * - uncount / countIn: every tally of a stored vote `- 1` / `+ 1`, read from its rows; `at` (ms)
 *   moves the poll's updatedAt to its minute as a vote does. The rows stay.
 * - withdraw: uncount (unless quarantine already did), then the vote row and, by their foreign
 *   keys, its choices, profile answers, ranking, write-in, locks and survey answer.
 */
export function createPgCountedVotes() {
  /**
   * The vote's rows and every tally but its options' (which `countOptions` moved first), in one
   * statement of CTEs; `extra` adds the caller's own CTEs (they may read the new vote's id from
   * the CTE `v`) and columns to the row returned with the vote's id.
   */
  const writeVote = async <Extra extends Record<string, unknown> = Record<string, never>>(
    tx: PgTx,
    vote: CountedVote,
    extra?: { ctes: SQL[]; columns: SQL },
  ): Promise<{ id: number } & Extra> => {
    const createdAt = voteMinute(vote.createdAt);
    const { dimensions, values } = answeredOf(vote.profile);
    const ranking = vote.ranking ? vote.ranking.join(',') : null;
    const tallies: VoteTallies = {
      pollId: vote.pollId,
      optionIds: [...vote.optionIds].sort(ascending),
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
      ...countTallies(tallies),
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
    if (extra) ctes.push(...extra.ctes);
    const columns = extra ? sql`v.id, ${extra.columns}` : sql`v.id`;
    const { rows } = await tx.execute<{ id: number } & Extra>(
      sql`with ${sql.join(ctes, sql`, `)} select ${columns} from v`,
    );
    return rows[0]! as { id: number } & Extra;
  };

  const insert = async (tx: PgTx, vote: CountedVote): Promise<number> => {
    // The ballot was checked against options read before this transaction; an edit in between
    // (possible only while the poll had no votes) makes the ids stale.
    const counted = await tx.execute(countOptions(vote.pollId, vote.optionIds));
    if (counted.rowCount !== vote.optionIds.length) throw new StaleOptions();
    return (await writeVote(tx, vote)).id;
  };

  /**
   * Moves every tally of the stored votes `voteIds` by `step` per vote (grouped: `± n` per tally
   * row), read from their own rows in the same statement — choices, profile answers (pairs in
   * byte order of the dimension, as writeVote pairs them), ranking, day — and their polls'
   * updatedAt to `at`'s minute. `withdraw` moves only the votes not quarantined, then deletes all
   * of them (their choices, answers, ranking, write-in, locks and survey answers by cascade).
   */
  const moveStored = async (tx: PgTx, voteIds: readonly number[], step: 1 | -1, at: number, withdraw: boolean) => {
    if (voteIds.length === 0) return;
    const ids = ints([...voteIds].sort(ascending));
    const ctes: SQL[] = [
      sql`vs as (select id as vote_id, poll_id, (created_at / ${DAY_MS}::bigint)::int as day from votes
        where id = any(${ids}) ${withdraw ? sql`and quarantine_id is null` : sql``})`,
      sql`ch as (select c.vote_id, c.option_id, vs.poll_id, vs.day from vote_choices c join vs using (vote_id))`,
      sql`pr as (select p.vote_id, p.poll_id, p.dimension, p.value from vote_profiles p join vs using (vote_id))`,
      sql`pairs as (select a.vote_id, a.poll_id, a.dimension as dimension_a, a.value as value_a,
          b.dimension as dimension_b, b.value as value_b
        from pr a join pr b on b.vote_id = a.vote_id and a.dimension collate "C" < b.dimension collate "C")`,
      sql`rk as (select r.poll_id, r.ranking from vote_rankings r join vs using (vote_id))`,
      sql`options as (update poll_options o set votes = o.votes + ${int(step)} * k.n
        from (select option_id, count(*)::int as n from ch group by 1) k where o.id = k.option_id)`,
      sql`poll as (update polls p set response_count = p.response_count + ${int(step)} * k.n,
          updated_at = greatest(p.updated_at, ${voteMinute(at)}::bigint)
        from (select poll_id, count(*)::int as n from vs group by 1) k where p.id = k.poll_id)`,
      ...TALLIES.flatMap((tally, i) => moveGrouped(tally, step, `tally_${i}`)),
    ];
    if (withdraw) ctes.push(sql`gone as (delete from votes where id = any(${ids}))`);
    await tx.execute(sql`with ${sql.join(ctes, sql`, `)} select 1`);
  };

  /** Takes votes out of every tally; their rows stay (quarantine). `at` (ms) moves updatedAt as a vote does. */
  const uncountAll = (tx: PgTx, voteIds: readonly number[], at: number) => moveStored(tx, voteIds, -1, at, false);
  /** Counts stored votes in every tally again (a restored quarantine). */
  const countInAll = (tx: PgTx, voteIds: readonly number[], at: number) => moveStored(tx, voteIds, 1, at, false);
  /** Uncounts (unless quarantine already did: that would count them out twice) and deletes votes. */
  const withdrawAll = (tx: PgTx, voteIds: readonly number[], at: number) => moveStored(tx, voteIds, -1, at, true);

  /** Takes one vote out of every tally; its rows stay (quarantine). */
  const uncount = (tx: PgTx, voteId: number, at: number) => uncountAll(tx, [voteId], at);
  /** Counts one stored vote in every tally again (a restored quarantine). */
  const countIn = (tx: PgTx, voteId: number, at: number) => countInAll(tx, [voteId], at);
  /** Uncounts and deletes one vote; `at` (ms) moves the poll's updatedAt to its minute as a vote does. */
  const withdraw = (tx: PgTx, voteId: number, at: number) => withdrawAll(tx, [voteId], at);

  /**
   * Bulk insert of votes without locks (importVotes: the demo seed, imports) in two statements
   * per slice: their rows (votes, choices, profile answers, rankings, write-ins) in one, then
   * every tally they move, grouped, in one (countInAll). The caller holds the poll's row lock.
   * Throws StaleOptions, as insert does, when a ballot names an option twice or one not the poll's.
   */
  const importAll = async (tx: PgTx, pollId: number, votes: readonly CountedVote[]): Promise<void> => {
    const chosen = new Set<number>();
    for (const vote of votes) {
      if (new Set(vote.optionIds).size !== vote.optionIds.length) throw new StaleOptions();
      for (const optionId of vote.optionIds) chosen.add(optionId);
    }
    const { rows } = await tx.execute<{ n: number }>(sql`select count(*)::int as n from poll_options
      where poll_id = ${int(pollId)} and id = any(${ints([...chosen])})`);
    if (rows[0]!.n !== chosen.size) throw new StaleOptions();
    for (let start = 0; start < votes.length; start += IMPORT_SLICE) {
      const slice = votes.slice(start, start + IMPORT_SLICE);
      // Rows of each kind as parallel arrays, `n` the vote's 1-based place in the slice.
      const choices = { n: [] as number[], optionId: [] as number[] };
      const answers = { n: [] as number[], dimension: [] as string[], value: [] as string[] };
      const rankings = { n: [] as number[], ranking: [] as string[] };
      const others = { n: [] as number[], text: [] as string[], normalized: [] as string[] };
      slice.forEach((vote, i) => {
        for (const optionId of [...vote.optionIds].sort(ascending)) {
          choices.n.push(i + 1);
          choices.optionId.push(optionId);
        }
        const answered = answeredOf(vote.profile);
        answered.dimensions.forEach((dimension, j) => {
          answers.n.push(i + 1);
          answers.dimension.push(dimension);
          answers.value.push(answered.values[j]!);
        });
        if (vote.ranking) {
          rankings.n.push(i + 1);
          rankings.ranking.push(vote.ranking.join(','));
        }
        if (vote.otherText) {
          others.n.push(i + 1);
          others.text.push(vote.otherText);
          others.normalized.push(normaliseWriteIn(vote.otherText));
        }
      });
      const poll = int(pollId);
      // Identity values are drawn in the order rows are inserted: ascending ids are the slice's order.
      const inserted = await tx.execute<{ ids: number[] }>(sql`
        with input as (
          select * from unnest(${sql.param(slice.map((vote) => voteMinute(vote.createdAt)))}::bigint[],
            ${texts(slice.map((vote) => vote.source))}) with ordinality as i(created_at, source, n)
        ), v as (
          insert into votes (poll_id, created_at, source) select ${poll}, created_at, source from input order by n
          returning id
        ), numbered as (
          select id, row_number() over (order by id) as n from v
        ), choices as (
          insert into vote_choices (vote_id, option_id)
          select numbered.id, c.option_id from unnest(${ints(choices.n)}, ${ints(choices.optionId)}) as c(n, option_id)
          join numbered using (n)
        ), answers as (
          insert into vote_profiles (vote_id, poll_id, dimension, value)
          select numbered.id, ${poll}, a.dimension, a.value
          from unnest(${ints(answers.n)}, ${texts(answers.dimension)}, ${texts(answers.value)}) as a(n, dimension, value)
          join numbered using (n)
        ), ranked as (
          insert into vote_rankings (vote_id, poll_id, ranking)
          select numbered.id, ${poll}, r.ranking from unnest(${ints(rankings.n)}, ${texts(rankings.ranking)}) as r(n, ranking)
          join numbered using (n)
        ), other as (
          insert into other_answers (vote_id, poll_id, text, normalized)
          select numbered.id, ${poll}, o.text, o.normalized
          from unnest(${ints(others.n)}, ${texts(others.text)}, ${texts(others.normalized)}) as o(n, text, normalized)
          join numbered using (n)
        )
        select coalesce(array_agg(id order by id), '{}') as ids from v`);
      const latest = Math.max(...slice.map((vote) => vote.createdAt));
      await countInAll(tx, inserted.rows[0]!.ids, latest);
    }
  };

  return { insert, writeVote, uncount, countIn, withdraw, uncountAll, countInAll, withdrawAll, importAll };
}

export type PgCountedVotes = ReturnType<typeof createPgCountedVotes>;
