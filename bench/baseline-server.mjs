// The yardstick: a bare node:http + better-sqlite3 server doing the same SQL as Peer Polls for
// "read results" (also `?by=` from the segment tallies and `?where=` from the vote log), and
// "cast a vote" (with profile answers and their segment tallies), with nothing else (no framework,
// validation, cookies or complementary suppression).
// Usage: node bench/baseline-server.mjs <sqlite file> <port>
import { createServer } from 'node:http';
import Database from 'better-sqlite3';

const [file, port] = process.argv.slice(2);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');

const findPoll = db.prepare('select * from polls where slug = ?');
const optionsOf = db.prepare('select * from poll_options where poll_id = ? order by position');
const insertVote = db.prepare(
  'insert into votes (poll_id, created_at, source, device_key) values (?, ?, ?, ?) returning id',
);
const countOption = db.prepare('update poll_options set votes = votes + 1 where poll_id = ? and id = ?');
const insertChoice = db.prepare('insert into vote_choices (vote_id, option_id) values (?, ?)');
const countResponse = db.prepare('update polls set response_count = response_count + 1, updated_at = ? where id = ?');
const insertAnswer = db.prepare('insert into vote_profiles (vote_id, poll_id, dimension, value) values (?, ?, ?, ?)');
const countSegment = db.prepare(
  `insert into segment_tallies (poll_id, dimension, value, responses) values (?, ?, ?, 1)
   on conflict (poll_id, dimension, value) do update set responses = responses + 1`,
);
const countSegmentOption = db.prepare(
  `insert into segment_option_tallies (poll_id, dimension, value, option_id, votes) values (?, ?, ?, ?, 1)
   on conflict (poll_id, dimension, value, option_id) do update set votes = votes + 1`,
);
const countPair = db.prepare(
  `insert into segment_pair_tallies (poll_id, dimension_a, value_a, dimension_b, value_b, responses)
   values (?, ?, ?, ?, ?, 1) on conflict do update set responses = responses + 1`,
);
const countPairOption = db.prepare(
  `insert into segment_pair_option_tallies (poll_id, dimension_a, value_a, dimension_b, value_b, option_id, votes)
   values (?, ?, ?, ?, ?, ?, 1) on conflict do update set votes = votes + 1`,
);
const record = db.transaction((pollId, optionIds, profile, now) => {
  const { id } = insertVote.get(pollId, now, 'api', null);
  for (const optionId of optionIds) countOption.run(pollId, optionId);
  for (const optionId of optionIds) insertChoice.run(id, optionId);
  for (const [dimension, value] of Object.entries(profile)) {
    insertAnswer.run(id, pollId, dimension, value);
    countSegment.run(pollId, dimension, value);
    for (const optionId of optionIds) countSegmentOption.run(pollId, dimension, value, optionId);
  }
  const answered = Object.entries(profile).sort(([a], [b]) => (a < b ? -1 : 1));
  answered.forEach(([dimA, valA], i) => {
    for (const [dimB, valB] of answered.slice(i + 1)) {
      countPair.run(pollId, dimA, valA, dimB, valB);
      for (const optionId of optionIds) countPairOption.run(pollId, dimA, valA, dimB, valB, optionId);
    }
  });
  countResponse.run(now, pollId);
});

// Breakdowns: the same reads as db/sqlite-segments.ts.
const CATALOGUE = {
  role: ['c-level', 'vp', 'director', 'manager', 'individual', 'other'],
  industry: [
    'banking',
    'finance',
    'software',
    'media',
    'healthcare',
    'manufacturing',
    'retail',
    'public-sector',
    'education',
    'energy',
    'telecom',
    'other',
  ],
  companySize: ['lt-1000', '1000-10000', 'gt-10000'],
  region: ['north-america', 'latin-america', 'emea', 'apac'],
};
const MIN_CELL_SIZE = 10;
const tallyResponses = db.prepare(
  'select value, responses as n from segment_tallies where poll_id = ? and dimension = ?',
);
const tallyVotes = db.prepare(
  'select value, option_id as optionId, votes as n from segment_option_tallies where poll_id = ? and dimension = ?',
);
const crossSection = (where) =>
  where.value === 'not-stated'
    ? `select v.id as vote_id from votes v where v.poll_id = @pollId and not exists (
         select 1 from vote_profiles w where w.vote_id = v.id and w.dimension = @dimension)`
    : `select vote_id from vote_profiles where poll_id = @pollId and dimension = @dimension and value = @value`;
const logRead = (ids) =>
  db.prepare(
    `with cs as (${ids}),
     pv as materialized (select cs.vote_id as vote_id, (select b.value from vote_profiles b
       where b.vote_id = cs.vote_id and b.dimension = @by) as value from cs)
     select value, null as optionId, count(*) as n from pv group by value
     union all
     select pv.value as value, vc.option_id as optionId, count(*) as n
     from pv join vote_choices vc on vc.vote_id = pv.vote_id group by pv.value, vc.option_id`,
  );
const fromLog = {
  stated: logRead(crossSection({ value: 'x' })),
  notStated: logRead(crossSection({ value: 'not-stated' })),
};

const readCounts = db.transaction((poll, options, by, where) => {
  if (!where) {
    return {
      total: poll.response_count,
      totals: new Map(options.map((o) => [o.id, o.votes])),
      responses: tallyResponses.all(poll.id, by),
      optionVotes: tallyVotes.all(poll.id, by),
    };
  }
  if (where.value !== 'not-stated') {
    // As db/sqlite-segments.ts: the cross-section from the single tallies, its segments from the pairs.
    const [first, second] = where.dimension < by ? ['a', 'b'] : ['b', 'a'];
    const params = { pollId: poll.id, where: where.dimension, value: where.value, by };
    const pairWhere = `poll_id = @pollId and dimension_${first} = @where and value_${first} = @value and dimension_${second} = @by`;
    return {
      total: tallyResponses.all(poll.id, where.dimension).find((r) => r.value === where.value)?.n ?? 0,
      totals: new Map(
        tallyVotes
          .all(poll.id, where.dimension)
          .filter((r) => r.value === where.value)
          .map((r) => [r.optionId, r.n]),
      ),
      responses: db
        .prepare(`select value_${second} as value, responses as n from segment_pair_tallies where ${pairWhere}`)
        .all(params),
      optionVotes: db
        .prepare(
          `select value_${second} as value, option_id as optionId, votes as n from segment_pair_option_tallies where ${pairWhere}`,
        )
        .all(params),
    };
  }
  const read = where.value === 'not-stated' ? fromLog.notStated : fromLog.stated;
  const params = { pollId: poll.id, dimension: where.dimension, by };
  if (where.value !== 'not-stated') params.value = where.value;
  const rows = read.all(params);
  const totals = new Map();
  for (const r of rows) if (r.optionId !== null) totals.set(r.optionId, (totals.get(r.optionId) ?? 0) + r.n);
  return {
    total: rows.filter((r) => r.optionId === null).reduce((sum, r) => sum + r.n, 0),
    totals,
    responses: rows.filter((r) => r.optionId === null && r.value !== null),
    optionVotes: rows.filter((r) => r.optionId !== null && r.value !== null),
  };
});

const Z = 1.959964;
function wilson(k, n) {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const d = 1 + (Z * Z) / n;
  const c = (p + (Z * Z) / (2 * n)) / d;
  const h = (Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / d;
  return { low: Math.max(0, c - h), high: Math.min(1, c + h) };
}

/** Newcombe's hybrid score interval for k1/n1 − k2/n2. */
function newcombe(k1, n1, k2, n2) {
  if (n1 === 0 || n2 === 0) return null;
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const a = wilson(k1, n1);
  const b = wilson(k2, n2);
  const d = p1 - p2;
  return {
    value: d,
    ci95: {
      low: d - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2),
      high: d + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2),
    },
  };
}

function breakdown(poll, options, by, where) {
  const counts = readCounts(poll, options, by, where);
  const segments = [...CATALOGUE[by], 'not-stated'].map((value) => {
    let n;
    const votes = new Map();
    if (value === 'not-stated') {
      n = counts.total - counts.responses.reduce((sum, r) => sum + r.n, 0);
      for (const o of options) votes.set(o.id, counts.totals.get(o.id) ?? 0);
      for (const r of counts.optionVotes) votes.set(r.optionId, votes.get(r.optionId) - r.n);
    } else {
      n = counts.responses.find((r) => r.value === value)?.n ?? 0;
      for (const r of counts.optionVotes) if (r.value === value) votes.set(r.optionId, r.n);
    }
    if (n < MIN_CELL_SIZE) return { value, suppressed: true, n: null, options: null };
    return {
      value,
      suppressed: false,
      n,
      options: options.map((o) => {
        const k = votes.get(o.id) ?? 0;
        const others = (counts.totals.get(o.id) ?? 0) - k;
        return {
          key: o.key,
          votes: k,
          share: k / n,
          ci95: wilson(k, n),
          diff: newcombe(k, n, others, counts.total - n),
        };
      }),
    };
  });
  return { dimension: by, where, minCellSize: MIN_CELL_SIZE, suppressed: counts.total < MIN_CELL_SIZE, segments };
}

function results(poll) {
  const n = poll.response_count;
  return {
    slug: poll.slug,
    totalResponses: n,
    options: optionsOf.all(poll.id).map((o) => ({
      key: o.key,
      label: o.label,
      votes: o.votes,
      share: n ? o.votes / n : 0,
      ci95: wilson(o.votes, n),
    })),
  };
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = /^\/api\/polls\/([a-z0-9-]+)\/(results|votes)$/.exec(url.pathname);
  const poll = match && findPoll.get(match[1]);
  if (!poll) return send(res, 404, { error: { code: 'poll_not_found' } });
  if (match[2] === 'results') {
    const by = url.searchParams.get('by');
    if (!by) return send(res, 200, results(poll));
    const [dimension, value] = url.searchParams.get('where')?.split(':') ?? [];
    const where = dimension ? { dimension, value } : null;
    return send(res, 200, { ...results(poll), breakdown: breakdown(poll, optionsOf.all(poll.id), by, where) });
  }
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const { choices, profile = {} } = JSON.parse(body);
    const options = optionsOf.all(poll.id);
    const ids = choices.map((key) => options.find((o) => o.key === key).id);
    record(poll.id, ids, profile, Date.now());
    send(res, 201, { accepted: true, results: results(findPoll.get(poll.slug)) });
  });
}).listen(Number(port), '127.0.0.1');
