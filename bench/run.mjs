// npm run bench — the speed targets of issue 15, each measured against a yardstick in the same run.
//
// Peer Polls (the built server, dist/server/entry.mjs) runs beside a bare node:http +
// better-sqlite3 server doing the same SQL (bench/baseline-server.mjs: one transaction and one
// fsync per vote, synchronous=FULL), each on its own temporary database. Every comparison is
// A/B alternated (A B, B A, A B, …) in short runs and reported as the median of the pairs' ratios,
// so a change in the machine's load during the bench falls on both sides alike. Each case prints
// p99 latency and the app's RSS (VmRSS of its process), then a PASS/FAIL line per target:
//
//   votes       POST /api/polls/{slug}/votes (policy none) vs the bare server's vote: ≥ 1.0×, p99 ≤ 50 ms
//   results     GET /api/polls/{slug}/results vs the bare results read: ≥ 0.5×
//   page        GET /polls/{slug}/results (HTML) vs the bare results JSON: ≥ 0.25×
//   widget      GET /embed/{slug} (HTML) vs the bare results JSON: ≥ 0.25×
//   by          ?by=role at 1,000,000 votes vs at 1,000: cost ≤ 1.2×
//   trend       GET /api/polls/{slug}/trend at 1,000,000 votes vs at 1,000: cost ≤ 1.2×
//   ranked      a ranked poll's results (instant runoff) at 1,000,000 ballots vs 1,000: cost ≤ 1.2×
//   where       ?by=role&where=companySize:gt-10000 at 1,000,000 votes, one connection: p99 < 50 ms (SPEC.md)
//   etag-json   results JSON with If-None-Match (304) vs without: every answer a 304, ≥ 0.9× the req/s
//               (a 304 never costs more than the full answer), and the bytes an answer
//   etag-page   the results page with If-None-Match (304) vs without: the same
//   streams     votes with --streams live results streams open on the voted poll (1,000,000 votes)
//               vs none: p99 ≤ 2×; all streams open; app RSS < 300 MB with them
//   start       node dist/server/entry.mjs until /healthz answers, on the 1,000,000-vote database
//               (SEED_DEMO=0 and =1, ADMIN_PASSWORD set): ≤ 1 s
//
// Options:
//   --only a,b      run only these cases (e.g. --only votes,start; `etag` for both etag cases)
//   --seconds N     length of one measured run (default 5); a case takes about 4 × pairs × N seconds
//   --connections N autocannon connections for the throughput cases (default 50)
//   --pairs N       A/B pairs per case (default 3; the median is reported)
//   --streams N     live results streams held open in the streams case (default 10000)
//   --large N       votes in the large polls (default 1000000)
//
// Votes for the large polls are written straight into SQLite by bench/fill.mjs (one transaction,
// tallies counted in memory and written once: about 20 s per 1,000,000). The streams are held by
// a child process (bench/stream-holder.mjs) from 127.0.0.x addresses, since the server allows
// 256 connections per client address. The whole bench takes about 10 minutes at the defaults.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
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
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    pairs: { type: 'string', default: '3' },
    only: { type: 'string', default: '' },
    streams: { type: 'string', default: '10000' },
    large: { type: 'string', default: '1000000' },
  },
});
const duration = Number(values.seconds);
const connections = Number(values.connections);
const pairs = Math.max(1, Number(values.pairs));
const STREAMS = Number(values.streams);
const LARGE = Number(values.large);
const SMALL = 1_000;
const only = values.only
  .split(',')
  .map((word) => word.trim())
  .filter(Boolean);
/** A case runs when --only names it (or its family: `etag` for etag-json and etag-page), or without --only. */
const selected = (name) => only.length === 0 || only.some((word) => name === word || name.startsWith(`${word}-`));
const CASES = [
  'votes',
  'results',
  'page',
  'widget',
  'by',
  'trend',
  'ranked',
  'where',
  'etag-json',
  'etag-page',
  'streams',
  'start',
];
const unknown = only.filter((word) => !CASES.some((name) => name === word || name.startsWith(`${word}-`)));
if (unknown.length > 0) {
  console.error(`--only: no case named ${unknown.join(', ')} (the cases: ${CASES.join(', ')})`);
  process.exit(2);
}
const token = 'bench-admin-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'peer-polls-bench-'));
const appDb = join(dir, 'app.db');
const children = [];
const verdicts = [];
const fmt = (n) => n.toLocaleString('en-US');

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(url, { every = 100, tries = 300 } = {}) {
  for (let i = 0; i < tries; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(every);
  }
  throw new Error(`no answer from ${url}`);
}

function start(args, env = {}, stdio = 'inherit') {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio });
  children.push(child);
  return child;
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** The resident memory of a process, in MB. */
const rssOf = (pid) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024);

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const appEnv = (port) => ({
  HOST: '127.0.0.1',
  PORT: String(port),
  DATABASE_URL: `file:${appDb}`,
  SEED_DEMO: '0',
  RATE_LIMIT: '0',
  ADMIN_TOKEN: token,
});

/** The bench polls: four options each. */
const PROFILE = ['role', 'industry', 'companySize'];
const POLLS = [
  { slug: 'bench', profile: [] },
  { slug: 'small', profile: PROFILE, votes: SMALL },
  { slug: 'large', profile: PROFILE, votes: LARGE, large: true },
  { slug: 'ranked-small', type: 'ranked', votes: SMALL },
  { slug: 'ranked-large', type: 'ranked', votes: LARGE, large: true, ranked: true },
];

/** A database with the app's migrations applied and the `bench` poll, for the bare server. */
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
  const { id } = db
    .prepare(
      `insert into polls (slug, question, type, min_choices, max_choices, status, results_visibility, duplicate_policy, profile, created_at, updated_at)
       values ('bench', 'Bench?', 'single', 1, 1, 'open', 'always', 'none', '[]', ?, ?) returning id`,
    )
    .get(now, now);
  ['a', 'b', 'c', 'd'].forEach((key, i) =>
    db
      .prepare('insert into poll_options (poll_id, key, label, position) values (?, ?, ?, ?)')
      .run(id, key, key.toUpperCase(), i),
  );
  db.close();
}

const run = (url, opts = {}) =>
  new Promise((resolve, reject) =>
    autocannon({ url, duration, connections, ...opts }, (err, result) => (err ? reject(err) : resolve(result))),
  );

const VOTE = (choice) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ choices: [choice] }),
});

/** Requests that did not get the expected status (`expect`, default any 2xx), errors and timeouts. */
function failures(result, expect) {
  const wrong = expect ? result.requests.total - (result.statusCodeStats[expect]?.count ?? 0) : result.non2xx;
  return wrong + result.errors + result.timeouts;
}

/**
 * A/B alternated: `pairs` pairs of runs (A then B, then B then A, …), after a short warm-up of
 * each. Returns the median of A's and B's req/s and p99, and of the per-pair ratio A/B.
 */
async function abRuns(a, b) {
  for (const side of [a, b]) await run(side.url, { ...side.opts, duration: Math.min(2, duration) });
  const results = { a: [], b: [], ratios: [] };
  for (let pair = 0; pair < pairs; pair++) {
    const order = pair % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
    const got = {};
    for (const side of order) {
      const { url, opts } = side === 'a' ? a : b;
      got[side] = await run(url, opts);
    }
    results.a.push(got.a);
    results.b.push(got.b);
    results.ratios.push(got.a.requests.average / got.b.requests.average);
  }
  const summary = (list, expect) => ({
    rps: Math.round(median(list.map((r) => r.requests.average))),
    p99: median(list.map((r) => r.latency.p99)),
    failed: list.reduce((sum, r) => sum + failures(r, expect), 0),
    // Bytes on the wire per answer, headers included.
    bytes: Math.round(median(list.map((r) => r.throughput.total / Math.max(1, r.requests.total)))),
  });
  return { a: summary(results.a, a.expect), b: summary(results.b, b.expect), ratio: median(results.ratios) };
}

const rows = [];
function record(name, ab, labels, rss) {
  rows.push({
    case: name,
    [`A`]: `${labels[0]} ${fmt(ab.a.rps)}/s p99 ${ab.a.p99} ms`,
    [`B`]: `${labels[1]} ${fmt(ab.b.rps)}/s p99 ${ab.b.p99} ms`,
    'A/B': ab.ratio.toFixed(2),
    failed: ab.a.failed + ab.b.failed,
    'app RSS MB': rss,
  });
}

function verdict(target, measured, pass) {
  verdicts.push({ target, measured, result: pass ? 'PASS' : 'FAIL' });
}

/** The cost of a read at the large poll against the small one: ratio of req/s small / large. */
async function flatCase(name, app, smallPath, largePath, appPid) {
  const ab = await abRuns({ url: app + smallPath }, { url: app + largePath });
  record(name, ab, [`${fmt(SMALL)} votes`, `${fmt(LARGE)} votes`], rssOf(appPid));
  const cost = ab.ratio; // (req/s at small) / (req/s at large) = cost at large / cost at small
  verdict(`${name}: cost at ${fmt(LARGE)} votes ≤ 1.2× the cost at ${fmt(SMALL)}`, `${cost.toFixed(2)}×`, cost <= 1.2);
}

/** Milliseconds from spawning the built server until /healthz answers 200. */
async function timeStart(seedDemo) {
  const port = await freePort();
  const began = performance.now();
  // As deployed: with the admin UI's password set (its hash is part of start).
  const env = { ...appEnv(port), SEED_DEMO: seedDemo, ADMIN_PASSWORD: 'bench-admin-password-0123' };
  const child = start(['dist/server/entry.mjs'], env, 'ignore');
  let ms = null;
  for (let i = 0; i < 3000 && ms === null; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) ms = performance.now() - began;
    } catch {
      // not listening yet
    }
    if (ms === null) await sleep(5);
  }
  await stop(child);
  return ms ?? Infinity;
}

/** The most connections the server accepts with its descriptor limit (as src/http/connection-limit.ts). */
function serverConnectionCap(pid) {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  if (!match || match[1] === 'unlimited') return Infinity;
  const budget = Number(match[1]) - 64 - 256;
  return budget >= 128 ? budget : Infinity;
}

/** A child process holding live results streams (bench/stream-holder.mjs). */
function streamHolder() {
  const holder = fork(join(import.meta.dirname, 'stream-holder.mjs'), [], { cwd: root, stdio: 'inherit' });
  children.push(holder);
  const ask = async (message) => {
    holder.send(message);
    const [answer] = await once(holder, 'message');
    if (answer.error) throw new Error(answer.error);
    return answer;
  };
  return {
    open: (url, total) => ask({ open: { url, total } }),
    counts: () => ask('count'),
    close: () => ask('close'),
    exit: () => holder.send('exit'),
  };
}

try {
  const needsLarge = ['by', 'trend', 'where', 'streams', 'start'].some(selected);
  const needsRanked = selected('ranked');

  // 1. The app's database: the polls made through the admin API (the app's own rows), then the
  //    votes written straight into the file while no server runs (a server caching results would
  //    not see them otherwise).
  const setupPort = await freePort();
  const setup = start(['dist/server/entry.mjs'], appEnv(setupPort), 'ignore');
  const setupUrl = `http://127.0.0.1:${setupPort}`;
  await waitFor(`${setupUrl}/healthz`);
  for (const poll of POLLS) {
    const created = await fetch(`${setupUrl}/api/admin/polls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        slug: poll.slug,
        question: 'Bench?',
        type: poll.type ?? 'single',
        options: ['A', 'B', 'C', 'D'],
        duplicatePolicy: 'none',
        resultsVisibility: 'always',
        profile: poll.profile ?? [],
      }),
    });
    if (created.status !== 201) throw new Error(`creating ${poll.slug}: ${created.status} ${await created.text()}`);
  }
  await stop(setup);
  for (const [i, poll] of POLLS.entries()) {
    if (!poll.votes || (poll.large && !(poll.ranked ? needsRanked : needsLarge))) continue;
    const fill = poll.type === 'ranked' ? fillRankedVotes : fillVotes;
    const ms = fill(appDb, poll.slug, poll.votes, i + 1);
    console.log(`filled ${poll.slug}: ${fmt(poll.votes)} votes in ${(ms / 1000).toFixed(1)} s`);
  }

  // 2. Start: the built server on the large database, until /healthz answers.
  if (selected('start')) {
    const times = { 0: [], 1: [] };
    for (let i = 0; i < 5; i++) for (const seed of ['0', '1']) times[seed].push(await timeStart(seed));
    for (const seed of ['0', '1']) {
      const ms = Math.round(median(times[seed]));
      rows.push({
        case: `start, SEED_DEMO=${seed}`,
        A: `/healthz after ${times[seed].map(Math.round).join(', ')} ms`,
        B: '',
        'A/B': '',
        failed: times[seed].filter((t) => t === Infinity).length,
        'app RSS MB': '',
      });
      verdict(
        `start: /healthz within 1 s on ${fmt(LARGE)} votes (SEED_DEMO=${seed})`,
        `${ms} ms (median of 5)`,
        ms <= 1000,
      );
    }
  }

  // 3. The servers for the other cases.
  if (CASES.filter((name) => name !== 'start').some(selected)) {
    const appPort = await freePort();
    const appChild = start(['dist/server/entry.mjs'], appEnv(appPort));
    const app = `http://127.0.0.1:${appPort}`;
    const basePort = await freePort();
    baselineDatabase(join(dir, 'base.db'));
    start(['bench/baseline-server.mjs', join(dir, 'base.db'), String(basePort)]);
    const base = `http://127.0.0.1:${basePort}`;
    await waitFor(`${app}/healthz`);
    await waitFor(`${base}/api/polls/bench/results`);
    const rss = () => rssOf(appChild.pid);
    console.log(
      `\nNode ${process.version}, ${duration} s per run, ${pairs} A/B pairs per case (median), ${connections} connections`,
    );

    if (selected('votes')) {
      const ab = await abRuns(
        { url: `${app}/api/polls/bench/votes`, opts: VOTE('b') },
        { url: `${base}/api/polls/bench/votes`, opts: VOTE('b') },
      );
      record('votes', ab, ['peer-polls', 'bare'], rss());
      verdict('votes: ≥ 1.0× the bare server (one fsync per vote)', `${ab.ratio.toFixed(2)}×`, ab.ratio >= 1);
      verdict('votes: p99 ≤ 50 ms at 50 connections', `${ab.a.p99} ms`, ab.a.p99 <= 50);
    }
    if (selected('results')) {
      const ab = await abRuns({ url: `${app}/api/polls/bench/results` }, { url: `${base}/api/polls/bench/results` });
      record('results JSON', ab, ['peer-polls', 'bare'], rss());
      verdict('results JSON: ≥ 0.5× the bare results read', `${ab.ratio.toFixed(2)}×`, ab.ratio >= 0.5);
    }
    for (const [name, path] of [
      ['page', '/polls/bench/results'],
      ['widget', '/embed/bench'],
    ]) {
      if (!selected(name)) continue;
      const ab = await abRuns({ url: app + path }, { url: `${base}/api/polls/bench/results` });
      record(`${name} (${path})`, ab, ['peer-polls', 'bare JSON'], rss());
      verdict(`${name}: ≥ 0.25× the bare results JSON`, `${ab.ratio.toFixed(2)}×`, ab.ratio >= 0.25);
    }
    if (selected('by'))
      await flatCase('by', app, '/api/polls/small/results?by=role', '/api/polls/large/results?by=role', appChild.pid);
    if (selected('trend'))
      await flatCase('trend', app, '/api/polls/small/trend', '/api/polls/large/trend', appChild.pid);
    if (selected('ranked')) {
      await flatCase('ranked', app, '/api/polls/ranked-small/results', '/api/polls/ranked-large/results', appChild.pid);
    }
    if (selected('where')) {
      // One request at a time (no queueing behind other connections), against SPEC.md's 50 ms.
      const alone = await run(`${app}/api/polls/large/results?by=role&where=companySize:gt-10000`, { connections: 1 });
      rows.push({
        case: 'where (1 connection)',
        A: `${fmt(LARGE)} votes ${fmt(Math.round(alone.requests.average))}/s p50 ${alone.latency.p50} ms p99 ${alone.latency.p99} ms`,
        B: '',
        'A/B': '',
        failed: failures(alone),
        'app RSS MB': rss(),
      });
      verdict(
        `where: ?by=&where= p99 < 50 ms at ${fmt(LARGE)} votes`,
        `${alone.latency.p99} ms`,
        alone.latency.p99 < 50,
      );
    }
    for (const [name, path] of [
      ['etag-json', '/api/polls/bench/results'],
      ['etag-page', '/polls/bench/results'],
    ]) {
      if (!selected(name)) continue;
      const first = await fetch(app + path);
      const etag = first.headers.get('etag');
      if (!etag) {
        verdict(`${name}: If-None-Match answered 304`, 'no ETag header', false);
        continue;
      }
      const ab = await abRuns(
        { url: app + path, opts: { headers: { 'if-none-match': etag } }, expect: 304 },
        { url: app + path },
      );
      record(`${name} (${path})`, ab, ['If-None-Match', 'unconditional'], rss());
      // The saving is the body not sent (and not rendered, where the full answer is not kept):
      // a 304 must never cost more than the full answer (0.9: the bench's run-to-run noise).
      verdict(
        `${name}: conditional requests answered 304, costing no more than full ones`,
        `${ab.ratio.toFixed(2)}× the req/s, ${fmt(ab.a.bytes)} vs ${fmt(ab.b.bytes)} bytes an answer, ${ab.a.failed} not 304`,
        ab.a.failed === 0 && ab.ratio >= 0.9,
      );
    }

    // Votes while STREAMS browsers watch the voted poll (1,000,000 votes): every vote changes the
    // results, so each stream gets an event a second. A/B alternated with no stream open: none,
    // open the streams, with, with, close them, none, … (the streams take seconds to open).
    if (selected('streams')) {
      const cap = serverConnectionCap(appChild.pid);
      const total = Math.min(STREAMS, cap - connections - 16);
      if (total < STREAMS) {
        console.log(
          `\nThe server holds at most ${fmt(cap)} connections with its descriptor limit (src/http/connection-limit.ts), ` +
            `so ${fmt(total)} streams are opened, not ${fmt(STREAMS)}.`,
        );
      }
      const votes = { url: `${app}/api/polls/large/votes`, opts: VOTE('c') };
      await run(votes.url, { ...votes.opts, duration: Math.min(2, duration) }); // warm-up
      const holder = streamHolder();
      const rssWithout = rss();
      const without = [];
      const withStreams = [];
      let opened = null;
      let rssWith = 0;
      let events = 0;
      let open = false;
      const setOpen = async (wanted) => {
        if (wanted === open) return;
        if (wanted) {
          opened = await holder.open(`${app}/api/polls/large/results/stream`, total);
          await sleep(1000);
        } else {
          await holder.close();
          await sleep(1000);
        }
        open = wanted;
      };
      try {
        for (let pair = 0; pair < pairs; pair++) {
          for (const side of pair % 2 === 0 ? ['without', 'with'] : ['with', 'without']) {
            await setOpen(side === 'with');
            const before = open ? await holder.counts() : null;
            const result = await run(votes.url, votes.opts);
            if (open) {
              const after = await holder.counts();
              events += after.events - before.events;
              rssWith = Math.max(rssWith, rss());
              withStreams.push(result);
            } else without.push(result);
          }
        }
      } finally {
        holder.exit();
      }
      const p99 = (list) => median(list.map((r) => r.latency.p99));
      const rps = (list) => Math.round(median(list.map((r) => r.requests.average)));
      const ratio = p99(withStreams) / Math.max(p99(without), 1);
      const perStream = ((rssWith - rssWithout) * 1024) / total;
      rows.push({
        case: `streams (${fmt(total)} open)`,
        A: `with ${fmt(rps(withStreams))} votes/s p99 ${p99(withStreams)} ms`,
        B: `without ${fmt(rps(without))} votes/s p99 ${p99(without)} ms`,
        'A/B': `p99 ${ratio.toFixed(2)}`,
        failed: [...without, ...withStreams].reduce((sum, r) => sum + failures(r), 0),
        'app RSS MB': `${rssWithout} → ${rssWith}`,
      });
      console.log(
        `\nstreams: ${fmt(opened.opened)} opened in ${(opened.ms / 1000).toFixed(1)} s; ` +
          `${fmt(events)} results events received while voting (${(events / total / (pairs * duration)).toFixed(2)} per stream per second); ` +
          `${perStream.toFixed(1)} KB of RSS per stream`,
      );
      verdict(`streams: ${fmt(STREAMS)} open on one process`, `${fmt(opened.opened)} opened`, opened.opened >= STREAMS);
      verdict('streams: vote p99 with them open ≤ 2× without', `${ratio.toFixed(2)}×`, ratio <= 2);
      const at10k = rssWith + ((STREAMS - total) * perStream) / 1024;
      verdict(
        `streams: app RSS < 300 MB with ${fmt(STREAMS)} open after ${fmt(LARGE)} votes`,
        total < STREAMS
          ? `${rssWith} MB at ${fmt(total)}, ≈ ${Math.round(at10k)} MB at ${fmt(STREAMS)}`
          : `${rssWith} MB`,
        at10k < 300,
      );
    }
  }

  console.log('');
  if (rows.length > 0) console.table(rows);
  console.table(verdicts);
} finally {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await sleep(300);
  rmSync(dir, { recursive: true, force: true });
}
