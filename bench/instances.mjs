// npm run bench:instances — the PostgreSQL store beside the SQLite one (issue 17).
//
// The built server (dist/server/entry.mjs) is measured three ways in one run, each on a fresh
// database: one instance on SQLite (the default), one instance on PostgreSQL, and two instances
// on the same PostgreSQL database (each load generator half of the connections on each). Cases:
//
//   votes     POST /api/polls/bench/votes (policy none, rate limit off)
//   results   GET /api/polls/bench/results (after the votes)
//
// Reported as req/s (and p99) per setup and as ratios: PostgreSQL ×1 / SQLite ×1, PostgreSQL ×2 /
// PostgreSQL ×1. Setups run in turn, `--rounds` times (median reported), so a change in the
// machine's load falls on all of them. On the 2-core machines here the app processes, PostgreSQL
// and autocannon share two cores: a second instance adds no CPU, so PostgreSQL ×2 / ×1 shows the
// cost of sharing state, not the gain of a second machine.
//
// PostgreSQL: PEER_POLLS_BENCH_POSTGRES (an admin URL of a cluster; a database is created and
// dropped in it), else a throwaway cluster from scripts/pg-cluster.sh (Debian's `postgresql`).
//
// Options: --seconds N (each measured run, default 5), --connections N (default 50), --rounds N (default 3)
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
  },
});
const duration = Number(values.seconds);
const connections = Number(values.connections);
const rounds = Math.max(1, Number(values.rounds));
const token = 'bench-admin-token-0123456789';
const secret = 'bench-voter-key-secret-0123456789abcdef';
const children = new Set();
const dirs = [];
let cluster = null;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

async function startApp(databaseUrl) {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/server/entry.mjs'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      SEED_DEMO: '0',
      RATE_LIMIT: '0',
      ADMIN_TOKEN: token,
      VOTER_KEY_SECRET: secret,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`no answer from ${url}`);
}

async function stopApp({ child }) {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  children.delete(child);
}

const run = (url, opts) =>
  new Promise((resolve, reject) =>
    autocannon({ url, duration, ...opts }, (error, result) => (error ? reject(error) : resolve(result))),
  );

/** One load on every instance at once (the connections split between them); summed req/s, worst p99. */
async function load(apps, path, opts = {}) {
  const per = Math.max(1, Math.floor(connections / apps.length));
  const results = await Promise.all(apps.map((app) => run(app.url + path, { connections: per, ...opts })));
  const failed = results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
  return {
    rps: results.reduce((sum, r) => sum + r.requests.average, 0),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    failed,
  };
}

const VOTE = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"choices":["a"]}' };

async function createBenchPoll(app) {
  const response = await fetch(`${app.url}/api/admin/polls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      slug: 'bench',
      question: 'Bench?',
      options: ['A', 'B', 'C', 'D'],
      duplicatePolicy: 'none',
      resultsVisibility: 'always',
    }),
  });
  if (response.status !== 201) throw new Error(`create: ${response.status} ${await response.text()}`);
}

function adminUrl() {
  if (process.env.PEER_POLLS_BENCH_POSTGRES) return process.env.PEER_POLLS_BENCH_POSTGRES;
  const out = execFileSync('bash', [join(root, 'scripts', 'pg-cluster.sh'), 'start'], { encoding: 'utf8' });
  const env = Object.fromEntries([...out.matchAll(/export (\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
  cluster = env.PG_CLUSTER_DIR;
  return env.PEER_POLLS_TEST_POSTGRES;
}

async function withAdmin(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database per setup and round: SQLite in a temporary folder, PostgreSQL created in the cluster. */
async function freshDatabase(kind, admin, n) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'peer-polls-bench-'));
    dirs.push(dir);
    return `file:${join(dir, 'app.db')}`;
  }
  const name = `peer_polls_bench_${process.pid}_${n}`;
  await withAdmin(admin, `drop database if exists ${name} with (force)`);
  await withAdmin(admin, `create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

const SETUPS = [
  { name: 'SQLite ×1', kind: 'sqlite', instances: 1 },
  { name: 'PostgreSQL ×1', kind: 'postgres', instances: 1 },
  { name: 'PostgreSQL ×2', kind: 'postgres', instances: 2 },
];

async function main() {
  const admin = adminUrl();
  const measured = Object.fromEntries(SETUPS.map((setup) => [setup.name, { votes: [], results: [], failed: 0 }]));
  let n = 0;
  for (let round = 0; round < rounds; round++) {
    for (const setup of SETUPS) {
      const databaseUrl = await freshDatabase(setup.kind, admin, n++);
      const apps = [];
      for (let i = 0; i < setup.instances; i++) apps.push(await startApp(databaseUrl));
      try {
        await createBenchPoll(apps[0]);
        await load(apps, '/api/polls/bench/votes', { ...VOTE, duration: 1 }); // warm-up
        const votes = await load(apps, '/api/polls/bench/votes', VOTE);
        const results = await load(apps, '/api/polls/bench/results');
        const into = measured[setup.name];
        into.votes.push(votes);
        into.results.push(results);
        into.failed += votes.failed + results.failed;
        console.log(
          `round ${round + 1} ${setup.name}: votes ${fmt(votes.rps)}/s (p99 ${votes.p99} ms), results ${fmt(results.rps)}/s (p99 ${results.p99} ms)`,
        );
      } finally {
        for (const app of apps) await stopApp(app);
        if (setup.kind === 'postgres') {
          await withAdmin(admin, `drop database if exists ${new URL(databaseUrl).pathname.slice(1)} with (force)`);
        }
      }
    }
  }
  const rps = (setup, kind) => median(measured[setup][kind].map((r) => r.rps));
  const p99 = (setup, kind) => median(measured[setup][kind].map((r) => r.p99));
  console.table(
    SETUPS.map(({ name }) => ({
      setup: name,
      'votes/s': fmt(rps(name, 'votes')),
      'votes p99 ms': p99(name, 'votes'),
      'results/s': fmt(rps(name, 'results')),
      'results p99 ms': p99(name, 'results'),
      failed: measured[name].failed,
    })),
  );
  const ratio = (a, b, kind) => (rps(a, kind) / rps(b, kind)).toFixed(2);
  console.table([
    {
      ratio: 'PostgreSQL ×1 / SQLite ×1',
      votes: ratio('PostgreSQL ×1', 'SQLite ×1', 'votes'),
      results: ratio('PostgreSQL ×1', 'SQLite ×1', 'results'),
    },
    {
      ratio: 'PostgreSQL ×2 / PostgreSQL ×1',
      votes: ratio('PostgreSQL ×2', 'PostgreSQL ×1', 'votes'),
      results: ratio('PostgreSQL ×2', 'PostgreSQL ×1', 'results'),
    },
  ]);
  const failed = Object.values(measured).reduce((sum, m) => sum + m.failed, 0);
  if (failed > 0) {
    console.error(`${failed} requests failed (non-2xx, errors or timeouts)`);
    process.exitCode = 1;
  }
}

async function cleanup() {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (cluster) execFileSync('bash', [join(root, 'scripts', 'pg-cluster.sh'), 'stop', cluster]);
}

try {
  await main();
} finally {
  await cleanup();
}
