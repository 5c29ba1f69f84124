// Bench data: many votes with profile answers written straight into a poll's SQLite tables (far
// faster than voting through HTTP). Fast enough for 1,000,000 votes in seconds: one transaction,
// statements prepared once, and every tally of the poll (its response count, option votes,
// segment, pair, day and ranking tallies) counted in memory while the rows are made and written
// once at the end — the numbers `npm run db:recount -- --check` finds in the vote log afterwards.
import Database from 'better-sqlite3';

/** Who the bench voters are: a few values per dimension, ~15 % "not stated" each. */
const MIX = {
  role: ['c-level', 'vp', 'director', 'manager', 'manager', 'individual', 'individual', 'other'],
  industry: ['banking', 'finance', 'software', 'software', 'media', 'healthcare', 'manufacturing', 'retail'],
  companySize: ['lt-1000', 'lt-1000', '1000-10000', 'gt-10000'],
};
const NOT_STATED_RATE = 0.15;
const DAY_MS = 86_400_000;
/** The votes are spread over the 30 days before now, to the minute (as the app stores them). */
const SPREAD_DAYS = 30;

/** mulberry32: the same bench data on every run. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Counts under a composite key, kept as a Map of joined strings (one tally row per entry). */
class Counter {
  map = new Map();
  add(key) {
    this.map.set(key, (this.map.get(key) ?? 0) + 1);
  }
  *entries() {
    for (const [key, n] of this.map) yield [...key.split('\0'), n];
  }
}

/**
 * Opens `file` for a bulk fill: nothing else may write meanwhile (the app's server is either not
 * started yet or idle), and the fill is bench data, so it is not fsynced commit by commit.
 */
function openForFill(file) {
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  // Up to 1 GB of page cache: the whole fill stays in memory until its one commit (a smaller
  // cache spills pages to the WAL mid-transaction: 200,000 votes took 9.0 s with 128 MB, 5.3 s with this).
  db.pragma('cache_size = -1048576');
  return db;
}

/**
 * Adds `count` single-choice votes with profile answers (the poll's own profile questions among
 * role, industry, companySize) to the poll `slug` in the database `file`, and every tally they make.
 * Returns the time it took in milliseconds.
 */
export function fillVotes(file, slug, count, seed = 1) {
  const started = Date.now();
  const db = openForFill(file);
  try {
    const poll = db.prepare('select id, profile from polls where slug = ?').get(slug);
    if (!poll) throw new Error(`no poll "${slug}" in ${file}`);
    const asked = JSON.parse(poll.profile)
      .filter((dimension) => dimension in MIX)
      .sort();
    const options = db
      .prepare('select id from poll_options where poll_id = ? order by position')
      .all(poll.id)
      .map((o) => o.id);
    const insertVote = db.prepare("insert into votes (poll_id, created_at, source) values (?, ?, 'import')");
    const insertChoice = db.prepare('insert into vote_choices (vote_id, option_id) values (?, ?)');
    const insertAnswer = db.prepare(
      'insert into vote_profiles (vote_id, poll_id, dimension, value) values (?, ?, ?, ?)',
    );
    const tallies = newTallies();
    const next = random(seed);
    const since = Date.now() - SPREAD_DAYS * DAY_MS;
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const minute = Math.floor((since + next() * SPREAD_DAYS * DAY_MS) / 60_000) * 60_000;
        const id = insertVote.run(poll.id, minute).lastInsertRowid;
        const option = options[Math.floor(next() * options.length)];
        insertChoice.run(id, option);
        const answers = [];
        for (const dimension of asked) {
          if (next() < NOT_STATED_RATE) continue;
          const values = MIX[dimension];
          const value = values[Math.floor(next() * values.length)];
          insertAnswer.run(id, poll.id, dimension, value);
          answers.push([dimension, value]);
        }
        countVote(tallies, minute, option, answers);
      }
      writeTallies(db, poll.id, tallies);
    })();
  } finally {
    db.close();
  }
  return Date.now() - started;
}

function newTallies() {
  return {
    responses: 0,
    lastAt: 0,
    options: new Counter(),
    segments: new Counter(),
    segmentOptions: new Counter(),
    pairs: new Counter(),
    pairOptions: new Counter(),
    days: new Counter(),
    dayOptions: new Counter(),
    rankings: new Counter(),
  };
}

/** One vote's share of every tally; `answers` sorted by dimension (pairs are stored a < b). */
function countVote(t, createdAt, option, answers) {
  t.responses++;
  t.lastAt = Math.max(t.lastAt, createdAt);
  t.options.add(String(option));
  const day = Math.floor(createdAt / DAY_MS);
  t.days.add(String(day));
  t.dayOptions.add(`${day}\0${option}`);
  for (let a = 0; a < answers.length; a++) {
    const [dimA, valA] = answers[a];
    t.segments.add(`${dimA}\0${valA}`);
    t.segmentOptions.add(`${dimA}\0${valA}\0${option}`);
    for (let b = a + 1; b < answers.length; b++) {
      const [dimB, valB] = answers[b];
      t.pairs.add(`${dimA}\0${valA}\0${dimB}\0${valB}`);
      t.pairOptions.add(`${dimA}\0${valA}\0${dimB}\0${valB}\0${option}`);
    }
  }
}

/** Adds the counted tallies to the poll's (whose tally rows may already hold earlier votes). */
function writeTallies(db, pollId, t) {
  db.prepare('update polls set response_count = response_count + ?, updated_at = max(updated_at, ?) where id = ?').run(
    t.responses,
    t.lastAt,
    pollId,
  );
  const option = db.prepare('update poll_options set votes = votes + ? where poll_id = ? and id = ?');
  for (const [optionId, n] of t.options.entries()) option.run(n, pollId, Number(optionId));
  const rows = (sql, counter, toRow) => {
    const statement = db.prepare(sql);
    for (const entry of counter.entries()) statement.run(...toRow(entry));
  };
  rows(
    `insert into segment_tallies (poll_id, dimension, value, responses) values (?, ?, ?, ?)
     on conflict do update set responses = responses + excluded.responses`,
    t.segments,
    ([dim, val, n]) => [pollId, dim, val, n],
  );
  rows(
    `insert into segment_option_tallies (poll_id, dimension, value, option_id, votes) values (?, ?, ?, ?, ?)
     on conflict do update set votes = votes + excluded.votes`,
    t.segmentOptions,
    ([dim, val, optionId, n]) => [pollId, dim, val, Number(optionId), n],
  );
  rows(
    `insert into segment_pair_tallies (poll_id, dimension_a, value_a, dimension_b, value_b, responses)
     values (?, ?, ?, ?, ?, ?) on conflict do update set responses = responses + excluded.responses`,
    t.pairs,
    ([dimA, valA, dimB, valB, n]) => [pollId, dimA, valA, dimB, valB, n],
  );
  rows(
    `insert into segment_pair_option_tallies (poll_id, dimension_a, value_a, dimension_b, value_b, option_id, votes)
     values (?, ?, ?, ?, ?, ?, ?) on conflict do update set votes = votes + excluded.votes`,
    t.pairOptions,
    ([dimA, valA, dimB, valB, optionId, n]) => [pollId, dimA, valA, dimB, valB, Number(optionId), n],
  );
  rows(
    `insert into period_tallies (poll_id, day, responses) values (?, ?, ?)
     on conflict do update set responses = responses + excluded.responses`,
    t.days,
    ([day, n]) => [pollId, Number(day), n],
  );
  rows(
    `insert into period_option_tallies (poll_id, day, option_id, votes) values (?, ?, ?, ?)
     on conflict do update set votes = votes + excluded.votes`,
    t.dayOptions,
    ([day, optionId, n]) => [pollId, Number(day), Number(optionId), n],
  );
  rows(
    `insert into ranking_tallies (poll_id, ranking, ballots) values (?, ?, ?)
     on conflict do update set ballots = ballots + excluded.ballots`,
    t.rankings,
    ([ranking, n]) => [pollId, ranking, n],
  );
}

/**
 * Adds `count` ranked ballots to the ranked poll `slug`: random orders of its options, ranking
 * one to all of them. Each vote's first choice goes to vote_choices and its whole order to
 * vote_rankings, as the app stores them, with every tally they make. Returns the milliseconds taken.
 */
export function fillRankedVotes(file, slug, count, seed = 1) {
  const started = Date.now();
  const db = openForFill(file);
  try {
    const poll = db.prepare('select id from polls where slug = ?').get(slug);
    if (!poll) throw new Error(`no poll "${slug}" in ${file}`);
    const options = db
      .prepare('select id from poll_options where poll_id = ? order by position')
      .all(poll.id)
      .map((o) => o.id);
    const insertVote = db.prepare("insert into votes (poll_id, created_at, source) values (?, ?, 'import')");
    const insertChoice = db.prepare('insert into vote_choices (vote_id, option_id) values (?, ?)');
    const insertRanking = db.prepare('insert into vote_rankings (vote_id, poll_id, ranking) values (?, ?, ?)');
    const tallies = newTallies();
    const next = random(seed);
    const since = Date.now() - SPREAD_DAYS * DAY_MS;
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const minute = Math.floor((since + next() * SPREAD_DAYS * DAY_MS) / 60_000) * 60_000;
        const id = insertVote.run(poll.id, minute).lastInsertRowid;
        // A Fisher–Yates shuffle, cut to a random length of one to all options.
        const order = [...options];
        for (let j = order.length - 1; j > 0; j--) {
          const k = Math.floor(next() * (j + 1));
          [order[j], order[k]] = [order[k], order[j]];
        }
        const ranking = order.slice(0, 1 + Math.floor(next() * order.length));
        const joined = ranking.join(',');
        insertChoice.run(id, ranking[0]);
        insertRanking.run(id, poll.id, joined);
        countVote(tallies, minute, ranking[0], []);
        tallies.rankings.add(joined);
      }
      writeTallies(db, poll.id, tallies);
    })();
  } finally {
    db.close();
  }
  return Date.now() - started;
}
