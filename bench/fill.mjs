// Bench data: many votes with profile answers written straight into a poll's SQLite tables (far
// faster than voting through HTTP), then every tally of that poll rebuilt from the vote log the way
// `npm run db:recount -- --repair` would, so the tallies and the log agree as after real votes.
import Database from 'better-sqlite3';

/** Who the bench voters are: a few values per dimension, ~15 % "not stated" each. */
const MIX = {
  role: ['c-level', 'vp', 'director', 'manager', 'manager', 'individual', 'individual', 'other'],
  industry: ['banking', 'finance', 'software', 'software', 'media', 'healthcare', 'manufacturing', 'retail'],
  companySize: ['lt-1000', 'lt-1000', '1000-10000', 'gt-10000'],
};
const NOT_STATED_RATE = 0.15;

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

/** Adds `count` single-choice votes with profile answers to the poll `slug` in the database `file`. */
export function fillVotes(file, slug, count, seed = 1) {
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  try {
    const poll = db.prepare('select id, profile from polls where slug = ?').get(slug);
    if (!poll) throw new Error(`no poll "${slug}" in ${file}`);
    const asked = JSON.parse(poll.profile).filter((dimension) => dimension in MIX);
    const options = db
      .prepare('select id from poll_options where poll_id = ? order by position')
      .all(poll.id)
      .map((o) => o.id);
    const insertVote = db.prepare(
      "insert into votes (poll_id, created_at, source) values (?, ?, 'import') returning id",
    );
    const insertChoice = db.prepare('insert into vote_choices (vote_id, option_id) values (?, ?)');
    const insertAnswer = db.prepare(
      'insert into vote_profiles (vote_id, poll_id, dimension, value) values (?, ?, ?, ?)',
    );
    const next = random(seed);
    const since = Date.now() - 30 * 86_400_000;
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const minute = Math.floor((since + next() * 30 * 86_400_000) / 60_000) * 60_000;
        const { id } = insertVote.get(poll.id, minute);
        insertChoice.run(id, options[Math.floor(next() * options.length)]);
        for (const dimension of asked) {
          if (next() < NOT_STATED_RATE) continue;
          const values = MIX[dimension];
          insertAnswer.run(id, poll.id, dimension, values[Math.floor(next() * values.length)]);
        }
      }
      rebuildTallies(db, poll.id);
    })();
  } finally {
    db.close();
  }
}

/** The poll's response count, option votes and segment tallies, recomputed from its vote log. */
function rebuildTallies(db, pollId) {
  db.prepare(
    `update polls set response_count = (select count(*) from votes where poll_id = @pollId),
       updated_at = max(updated_at, coalesce((select max(created_at) from votes where poll_id = @pollId), 0))
     where id = @pollId`,
  ).run({ pollId });
  db.prepare(
    `update poll_options set votes = (select count(*) from vote_choices c where c.option_id = poll_options.id)
     where poll_id = ?`,
  ).run(pollId);
  db.prepare('delete from segment_tallies where poll_id = ?').run(pollId);
  db.prepare(
    `insert into segment_tallies (poll_id, dimension, value, responses)
     select poll_id, dimension, value, count(*) from vote_profiles where poll_id = ? group by dimension, value`,
  ).run(pollId);
  db.prepare('delete from segment_option_tallies where poll_id = ?').run(pollId);
  db.prepare(
    `insert into segment_option_tallies (poll_id, dimension, value, option_id, votes)
     select p.poll_id, p.dimension, p.value, c.option_id, count(*)
       from vote_profiles p join vote_choices c on c.vote_id = p.vote_id
      where p.poll_id = ? group by p.dimension, p.value, c.option_id`,
  ).run(pollId);
  db.prepare('delete from segment_pair_tallies where poll_id = ?').run(pollId);
  db.prepare(
    `insert into segment_pair_tallies (poll_id, dimension_a, value_a, dimension_b, value_b, responses)
     select a.poll_id, a.dimension, a.value, b.dimension, b.value, count(*)
       from vote_profiles a join vote_profiles b on b.vote_id = a.vote_id and a.dimension < b.dimension
      where a.poll_id = ? group by a.dimension, a.value, b.dimension, b.value`,
  ).run(pollId);
  db.prepare('delete from segment_pair_option_tallies where poll_id = ?').run(pollId);
  db.prepare(
    `insert into segment_pair_option_tallies (poll_id, dimension_a, value_a, dimension_b, value_b, option_id, votes)
     select a.poll_id, a.dimension, a.value, b.dimension, b.value, c.option_id, count(*)
       from vote_profiles a join vote_profiles b on b.vote_id = a.vote_id and a.dimension < b.dimension
       join vote_choices c on c.vote_id = a.vote_id
      where a.poll_id = ? group by a.dimension, a.value, b.dimension, b.value, c.option_id`,
  ).run(pollId);
}

/**
 * Adds `count` ranked ballots to the ranked poll `slug`: random orders of its options, ranking
 * one to all of them. Each vote's first choice goes to vote_choices and its whole order to
 * vote_rankings, as the app stores them; then the tallies (first choices, ranking tallies) are
 * rebuilt from that log.
 */
export function fillRankedVotes(file, slug, count, seed = 1) {
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  try {
    const poll = db.prepare('select id from polls where slug = ?').get(slug);
    if (!poll) throw new Error(`no poll "${slug}" in ${file}`);
    const options = db
      .prepare('select id from poll_options where poll_id = ? order by position')
      .all(poll.id)
      .map((o) => o.id);
    const insertVote = db.prepare(
      "insert into votes (poll_id, created_at, source) values (?, ?, 'import') returning id",
    );
    const insertChoice = db.prepare('insert into vote_choices (vote_id, option_id) values (?, ?)');
    const insertRanking = db.prepare('insert into vote_rankings (vote_id, poll_id, ranking) values (?, ?, ?)');
    const next = random(seed);
    const since = Date.now() - 30 * 86_400_000;
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const minute = Math.floor((since + next() * 30 * 86_400_000) / 60_000) * 60_000;
        const { id } = insertVote.get(poll.id, minute);
        // A Fisher–Yates shuffle, cut to a random length of one to all options.
        const order = [...options];
        for (let j = order.length - 1; j > 0; j--) {
          const k = Math.floor(next() * (j + 1));
          [order[j], order[k]] = [order[k], order[j]];
        }
        const ranking = order.slice(0, 1 + Math.floor(next() * order.length));
        insertChoice.run(id, ranking[0]);
        insertRanking.run(id, poll.id, ranking.join(','));
      }
      rebuildTallies(db, poll.id);
      db.prepare('delete from ranking_tallies where poll_id = ?').run(poll.id);
      db.prepare(
        `insert into ranking_tallies (poll_id, ranking, ballots)
         select poll_id, ranking, count(*) from vote_rankings where poll_id = ? group by ranking`,
      ).run(poll.id);
    })();
  } finally {
    db.close();
  }
}
