// npm run bench — Peer Polls beside a bare node:http + better-sqlite3 server doing the same SQL,
// in the same run, reported as a ratio. Both listen on 127.0.0.1 with their own temporary database.
// Breakdown cases: `?by=role` on polls with 1,000 and 100,000 votes with profile answers (filled
// straight into SQLite by bench/fill.mjs) should cost the same, reported as their ratio from
// alternating runs; and the latency of `?by=role&where=companySize:gt-10000` at 100,000 votes,
// one request at a time, against the 50 ms of SPEC.md. Live results: vote throughput and latency
// with 1,000 results streams open on the voted poll against none (`--only streams`), as a ratio.
// Ranked polls: results (the instant-runoff count) at 100,000 ballots against 1,000 (`--only ranked`).
// Options: --seconds N (default 10), --connections N (default 10), --only TEXT (the scenarios
// whose name contains TEXT, e.g. --only by=).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { fillRankedVotes, fillVotes } from './fill.mjs';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string', default: '' },
    // Internal: this file run as a child that holds the live results streams open (see openStreams).
    'hold-streams': { type: 'string' },
  },
});
const duration = Number(values.seconds);
const connections = Number(values.connections);
const token = 'bench-admin-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'peer-polls-bench-'));
const children = [];

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no answer from ${url}`);
}

function start(args, env = {}) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'inherit' });
  children.push(child);
  return child;
}

/** The bench polls: four options each; all but `bench` ask profile questions. */
const PROFILE = ['role', 'industry', 'companySize'];
const POLLS = [
  { slug: 'bench', profile: [] },
  { slug: 'bench-profile', profile: PROFILE },
  { slug: 'by-1k', profile: PROFILE, votes: 1_000 },
  { slug: 'by-100k', profile: PROFILE, votes: 100_000 },
];
/** Ranked polls (the app's only: the bare server counts no runoff), to show the count's cost is flat. */
const RANKED_POLLS = [
  { slug: 'ranked-1k', votes: 1_000 },
  { slug: 'ranked-100k', votes: 100_000 },
];
const RANKED_CASE = 'GET results of a ranked poll (instant runoff), 100,000 vs 1,000 ballots';
const BY_ROLE = '?by=role';
const WHERE_LARGE = '?by=role&where=companySize:gt-10000';

/** A database with the app's migrations applied and the open bench polls, for the baseline. */
function baselineDatabase(file) {
  const db = new Database(file);
  const migrations = join(root, 'db', 'migrations');
  for (const name of readdirSync(migrations)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    for (const statement of readFileSync(join(migrations, name), 'utf8').split('--> statement-breakpoint'))
      db.exec(statement);
  }
  const now = Date.now();
  for (const poll of POLLS) {
    const { id } = db
      .prepare(
        `insert into polls (slug, question, type, min_choices, max_choices, status, results_visibility, duplicate_policy, profile, created_at, updated_at)
         values (?, 'Bench?', 'single', 1, 1, 'open', 'always', 'none', ?, ?, ?) returning id`,
      )
      .get(poll.slug, JSON.stringify(poll.profile), now, now);
    ['a', 'b', 'c', 'd'].forEach((key, i) =>
      db
        .prepare('insert into poll_options (poll_id, key, label, position) values (?, ?, ?, ?)')
        .run(id, key, key.toUpperCase(), i),
    );
  }
  db.close();
}

const LIVE_CASE = 'POST vote, 1,000 live results streams open';
const STREAMS = 1000;
/** Addresses the streams come from: the server allows 256 connections per client address. */
const STREAM_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'];

/**
 * Opens `total` event streams on `url`, spread over STREAM_ADDRESSES, and waits until each has
 * its first event. Counts the results events they receive from then on.
 */
async function openStreams(url, total) {
  let events = 0;
  let open = 0;
  const requests = [];
  const opened = [];
  for (let i = 0; i < total; i++) {
    opened.push(
      new Promise((resolve, reject) => {
        const request = get(
          url,
          { localAddress: STREAM_ADDRESSES[i % STREAM_ADDRESSES.length], agent: false },
          (res) => {
            if (res.statusCode !== 200) return reject(new Error(`stream ${i}: ${res.statusCode}`));
            open++;
            let first = true;
            res.setEncoding('utf8');
            res.on('data', (chunk) => {
              const count = chunk.split('event: results').length - 1;
              if (first && count > 0) {
                first = false;
                resolve();
                events += count - 1;
              } else events += count;
            });
            res.on('close', () => open--);
          },
        );
        request.on('error', reject);
        requests.push(request);
      }),
    );
  }
  await Promise.all(opened);
  return { events: () => events, open: () => open, close: () => requests.forEach((request) => request.destroy()) };
}

const run = (url, opts = {}) =>
  new Promise((resolve, reject) =>
    autocannon({ url, duration, connections, ...opts }, (err, result) => (err ? reject(err) : resolve(result))),
  );

if (values['hold-streams']) {
  // The stream holder: its own process, so reading 1,000 streams costs the bench's load generator
  // nothing. Tells the parent when all are open, its counts when asked, and ends when told.
  rmSync(dir, { recursive: true, force: true });
  const streams = await openStreams(values['hold-streams'], STREAMS);
  process.send({ ready: true });
  for (;;) {
    const [message] = await once(process, 'message');
    if (message !== 'count') break;
    process.send({ events: streams.events(), open: streams.open() });
  }
  streams.close();
  process.exit(0);
}

/** Holds STREAMS live results streams on `url` from a child process; counts what they receive. */
async function holdStreams(url) {
  const holder = spawn(process.execPath, [import.meta.filename, '--hold-streams', url], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(holder);
  const [ready] = await once(holder, 'message');
  if (!ready.ready) throw new Error('the stream holder did not start');
  return {
    counts: async () => {
      holder.send('count');
      return (await once(holder, 'message'))[0];
    },
    close: () => holder.send('close'),
  };
}

try {
  const appPort = await freePort();
  start(['dist/server/entry.mjs'], {
    HOST: '127.0.0.1',
    PORT: String(appPort),
    DATABASE_URL: `file:${join(dir, 'app.db')}`,
    SEED_DEMO: '0',
    RATE_LIMIT: '0',
    ADMIN_TOKEN: token,
  });
  const app = `http://127.0.0.1:${appPort}`;
  await waitFor(`${app}/healthz`);
  for (const poll of POLLS) {
    const created = await fetch(`${app}/api/admin/polls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        slug: poll.slug,
        question: 'Bench?',
        options: ['A', 'B', 'C', 'D'],
        duplicatePolicy: 'none',
        resultsVisibility: 'always',
        profile: poll.profile,
      }),
    });
    if (created.status !== 201) throw new Error(`creating ${poll.slug}: ${created.status} ${await created.text()}`);
  }

  for (const poll of RANKED_POLLS) {
    const created = await fetch(`${app}/api/admin/polls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        slug: poll.slug,
        question: 'Rank?',
        type: 'ranked',
        options: ['A', 'B', 'C', 'D'],
        duplicatePolicy: 'none',
        resultsVisibility: 'always',
      }),
    });
    if (created.status !== 201) throw new Error(`creating ${poll.slug}: ${created.status} ${await created.text()}`);
    fillRankedVotes(join(dir, 'app.db'), poll.slug, poll.votes, 7);
  }

  const basePort = await freePort();
  baselineDatabase(join(dir, 'base.db'));
  // The same votes (same seed) into both databases; the app reads its file on every request.
  const filling = Date.now();
  for (const [i, poll] of POLLS.entries()) {
    if (!poll.votes) continue;
    fillVotes(join(dir, 'app.db'), poll.slug, poll.votes, i);
    fillVotes(join(dir, 'base.db'), poll.slug, poll.votes, i);
  }
  console.log(
    `filled ${POLLS.map((p) => p.votes ?? 0).reduce((a, b) => a + b)} votes per database in ${Date.now() - filling} ms`,
  );
  start(['bench/baseline-server.mjs', join(dir, 'base.db'), String(basePort)]);
  const base = `http://127.0.0.1:${basePort}`;
  await waitFor(`${base}/api/polls/bench/results`);

  // Both servers must give the same breakdown numbers, or the comparison means nothing.
  for (const path of [`/api/polls/by-1k/results${BY_ROLE}`, `/api/polls/by-100k/results${WHERE_LARGE}`]) {
    const [ours, bare] = await Promise.all([app, base].map(async (origin) => (await fetch(origin + path)).json()));
    const shown = (b) => b.breakdown.segments.map((s) => s.n);
    if (JSON.stringify(shown(ours)) !== JSON.stringify(shown(bare)))
      throw new Error(`${path}: peer-polls ${shown(ours)} vs baseline ${shown(bare)}`);
  }

  const scenarios = [
    { name: 'GET results', path: '/api/polls/bench/results', opts: {} },
    { name: 'GET results?by=role, 1,000 votes', path: `/api/polls/by-1k/results${BY_ROLE}`, opts: {} },
    { name: 'GET results?by=role, 100,000 votes', path: `/api/polls/by-100k/results${BY_ROLE}`, opts: {} },
    {
      name: 'GET results?by=role&where=companySize:gt-10000, 100,000 votes',
      path: `/api/polls/by-100k/results${WHERE_LARGE}`,
      opts: {},
    },
    {
      name: 'POST vote',
      path: '/api/polls/bench/votes',
      opts: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ choices: ['b'] }),
      },
    },
    {
      name: 'POST vote with 3 profile answers',
      path: '/api/polls/bench-profile/votes',
      opts: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          choices: ['b'],
          profile: { role: 'manager', industry: 'software', companySize: 'gt-10000' },
        }),
      },
    },
  ].filter((scenario) => scenario.name.includes(values.only));
  // Warm-up (not recorded): the first seconds of a fresh process run cold code, which would make
  // whichever read comes first look slower.
  for (const scenario of scenarios.filter((sc) => !sc.opts.method)) {
    for (const origin of [app, base]) await run(`${origin}${scenario.path}`, { duration: Math.min(2, duration) });
  }
  const rows = [];
  for (const scenario of scenarios) {
    const ours = await run(`${app}${scenario.path}`, scenario.opts);
    const bare = await run(`${base}${scenario.path}`, scenario.opts);
    const bad = ours.non2xx + ours.errors + bare.non2xx + bare.errors;
    rows.push({
      scenario: scenario.name,
      'peer-polls req/s': Math.round(ours.requests.average),
      'baseline req/s': Math.round(bare.requests.average),
      ratio: (ours.requests.average / bare.requests.average).toFixed(2),
      'peer-polls p99 ms': ours.latency.p99,
      'baseline p99 ms': bare.latency.p99,
      'failed requests': bad,
    });
  }
  console.log(`\n${duration}s per run, ${connections} connections, Node ${process.version}`);
  if (rows.length > 0) console.table(rows);

  // ?by= at 100,000 votes against 1,000: the same cost means a ratio near 1.0. Measured in
  // alternating short runs (1k, 100k, 1k, 100k, …) so that a change in the machine's load
  // during the bench falls on both sides alike.
  if (scenarios.some((scenario) => scenario.name.includes('?by=role, '))) {
    const rounds = 4;
    const slice = Math.max(1, Math.round(duration / rounds));
    for (const [name, origin] of [
      ['peer-polls', app],
      ['baseline', base],
    ]) {
      const done = { small: 0, large: 0 };
      for (let round = 0; round < rounds; round++) {
        done.small += (await run(`${origin}/api/polls/by-1k/results${BY_ROLE}`, { duration: slice })).requests.total;
        done.large += (await run(`${origin}/api/polls/by-100k/results${BY_ROLE}`, { duration: slice })).requests.total;
      }
      const perSecond = (n) => Math.round(n / (rounds * slice));
      console.log(
        `${name}: ?by=role at 100,000 votes ${perSecond(done.large)} req/s, at 1,000 votes ${perSecond(done.small)} req/s` +
          ` (alternating ${rounds} × ${slice} s each): ratio ${(done.large / done.small).toFixed(2)}`,
      );
    }
  }
  // The runoff reads the ranking tallies (at most 64 distinct orders of four options), never the
  // ballots: 100,000 ballots should cost what 1,000 do. Alternating runs, as for ?by=.
  if (RANKED_CASE.includes(values.only)) {
    const rounds = 4;
    const slice = Math.max(1, Math.round(duration / rounds));
    const done = { small: 0, large: 0 };
    for (let round = 0; round < rounds; round++) {
      done.small += (await run(`${app}/api/polls/ranked-1k/results`, { duration: slice })).requests.total;
      done.large += (await run(`${app}/api/polls/ranked-100k/results`, { duration: slice })).requests.total;
    }
    const counted = await (await fetch(`${app}/api/polls/ranked-100k/results`)).json();
    const perSecond = (n) => Math.round(n / (rounds * slice));
    console.log(
      `${RANKED_CASE}: ${perSecond(done.large)} req/s at ${counted.totalResponses} ballots ` +
        `(${counted.ranked.rounds.length} rounds), ${perSecond(done.small)} req/s at 1,000 ` +
        `(alternating ${rounds} × ${slice} s each): ratio ${(done.large / done.small).toFixed(2)}`,
    );
  }
  // ?where= latency, one request at a time (no queueing behind other connections).
  if (scenarios.some((scenario) => scenario.name.includes('where'))) {
    const alone = await run(`${app}/api/polls/by-100k/results${WHERE_LARGE}`, { connections: 1 });
    const { p50, p99, max } = alone.latency;
    console.log(
      `?by=role&where=companySize:gt-10000 at 100,000 votes, 1 connection: p50 ${p50} ms, p99 ${p99} ms, max ${max} ms` +
        ` over ${alone.requests.total} requests — ${p99 < 50 ? 'under' : 'NOT under'} 50 ms`,
    );
  }
  // Votes while 1,000 browsers watch the poll's live results: every vote changes the results, so
  // the hub sends all watchers an event each second. The same vote load with no stream open first.
  if (LIVE_CASE.includes(values.only)) {
    const votes = `${app}/api/polls/bench/votes`;
    const voteOpts = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ choices: ['c'] }),
    };
    await run(votes, { ...voteOpts, duration: Math.min(2, duration) }); // warm-up, not recorded
    const without = await run(votes, voteOpts);
    const streams = await holdStreams(`${app}/api/polls/bench/results/stream`);
    try {
      const before = await streams.counts();
      const withStreams = await run(votes, voteOpts);
      const after = await streams.counts();
      const events = after.events - before.events;
      const row = (name, result) => ({
        case: name,
        'votes/s': Math.round(result.requests.average),
        'p50 ms': result.latency.p50,
        'p99 ms': result.latency.p99,
        'failed requests': result.non2xx + result.errors,
      });
      console.log(`\n${LIVE_CASE}: ${duration}s per run, ${connections} connections voting`);
      console.table([row('no streams open', without), row(`${STREAMS} streams open`, withStreams)]);
      const ratio = withStreams.latency.p99 / Math.max(without.latency.p99, 1);
      console.log(
        `${after.open} of ${STREAMS} streams still open (held by a child process); ${events} results events received during the run ` +
          `(${(events / STREAMS / duration).toFixed(2)} per stream per second); ` +
          `throughput ratio ${(withStreams.requests.average / without.requests.average).toFixed(2)}, ` +
          `p50 latency ratio ${(withStreams.latency.p50 / Math.max(without.latency.p50, 1)).toFixed(2)}, ` +
          `p99 latency ratio ${ratio.toFixed(2)} — ${ratio <= 2 ? 'within' : 'NOT within'} 2×`,
      );
    } finally {
      streams.close();
    }
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
