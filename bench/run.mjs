// npm run bench — Peer Polls beside a bare node:http + better-sqlite3 server doing the same SQL,
// in the same run, reported as a ratio. Both listen on 127.0.0.1 with their own temporary database.
// Options: --seconds N (default 10), --connections N (default 10).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' } },
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

/** A database with the app's migrations applied and one open poll, for the baseline. */
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
      `insert into polls (slug, question, type, min_choices, max_choices, status, results_visibility, duplicate_policy, created_at, updated_at)
       values ('bench', 'Bench?', 'single', 1, 1, 'open', 'always', 'none', ?, ?) returning id`,
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
  await fetch(`${app}/api/admin/polls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      slug: 'bench',
      question: 'Bench?',
      options: ['A', 'B', 'C', 'D'],
      duplicatePolicy: 'none',
      resultsVisibility: 'always',
    }),
  });

  const basePort = await freePort();
  baselineDatabase(join(dir, 'base.db'));
  start(['bench/baseline-server.mjs', join(dir, 'base.db'), String(basePort)]);
  const base = `http://127.0.0.1:${basePort}`;
  await waitFor(`${base}/api/polls/bench/results`);

  const scenarios = [
    { name: 'GET results', path: '/api/polls/bench/results', opts: {} },
    {
      name: 'POST vote',
      path: '/api/polls/bench/votes',
      opts: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ choices: ['b'] }),
      },
    },
  ];
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
  console.table(rows);
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
