/**
 * Property-based fuzzing of every public endpoint and form against the built server.
 * Properties: no 5xx, no unhandled error in the log, and stored tallies move only by the votes
 * the server acknowledged. FUZZ_RUNS sets the number of requests (npm run fuzz -- --runs N).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/client';
import { createSqliteStore } from '../../db/sqlite-store';
import { createPoll } from '../support/api';
import { ADMIN_TOKEN, startServer, type RunningServer } from '../support/server';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
/**
 * `npm test` replays a fixed seed so CI is repeatable; `npm run fuzz` explores new seeds and
 * prints them, and FUZZ_SEED replays any failure it finds.
 */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261125;

/** Polls whose tallies are tracked; admin writes never touch them. */
const TRACKED = [
  {
    slug: 'single',
    question: 'Single?',
    options: ['Alpha', 'Beta', 'Gamma'],
    duplicatePolicy: 'none',
    resultsVisibility: 'always',
  },
  {
    slug: 'multi',
    question: 'Multi?',
    options: ['A', 'B', 'C', 'D'],
    type: 'multiple',
    minChoices: 1,
    maxChoices: 3,
    duplicatePolicy: 'none',
  },
  {
    slug: 'dev',
    question: 'Device?',
    options: ['Yes', 'No'],
    duplicatePolicy: 'device',
    resultsVisibility: 'after_vote',
  },
  {
    slug: 'netw',
    question: 'Network?',
    options: ['Yes', 'No'],
    duplicatePolicy: 'device_or_network',
    resultsVisibility: 'after_close',
  },
  { slug: 'shut', question: 'Closed?', options: ['Yes', 'No'], closesAt: '2020-01-01T00:00:00Z' },
  { slug: 'later', question: 'Later?', options: ['Yes', 'No'], opensAt: '2099-01-01T00:00:00Z' },
] as const;
const KEYS = ['alpha', 'beta', 'gamma', 'a', 'b', 'c', 'd', 'yes', 'no'];

let server: RunningServer;
let base: string;

beforeAll(async () => {
  server = await startServer();
  base = server.url;
  for (const poll of TRACKED) await createPoll(base, poll);
});
afterAll(async () => {
  await server.stop();
  server.cleanup();
});

const slug = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TRACKED.map((p) => p.slug)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }).map(encodeURIComponent) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '%',
      '%E0%A4%A',
      '..%2F..%2Fetc',
      '__proto__',
      'constructor',
      'a'.repeat(300),
      'fuzz-sandbox',
    ),
  },
);

const target = fc.oneof(
  slug.map((s) => ({ path: `/api/polls/${s}/votes`, voteOn: s, kind: 'api' as const })),
  slug.map((s) => ({ path: `/polls/${s}`, voteOn: s, kind: 'form' as const })),
  slug.map((s) => ({ path: `/embed/${s}`, voteOn: s, kind: 'form' as const })),
  slug.map((s) => ({ path: `/api/polls/${s}`, voteOn: null, kind: 'read' as const })),
  slug.map((s) => ({ path: `/api/polls/${s}/results`, voteOn: null, kind: 'read' as const })),
  slug.map((s) => ({ path: `/api/polls/${s}/results.csv`, voteOn: null, kind: 'read' as const })),
  slug.map((s) => ({ path: `/polls/${s}/results`, voteOn: null, kind: 'read' as const })),
  fc.string({ maxLength: 200 }).map((u) => ({
    path: `/oembed?url=${encodeURIComponent(u)}&maxwidth=${u.length}`,
    voteOn: null,
    kind: 'read' as const,
  })),
  fc.constant({ path: '/api/admin/polls', voteOn: null, kind: 'admin' as const }),
  fc
    .constantFrom('fuzz-sandbox', ...TRACKED.map((p) => p.slug))
    .map((s) => ({ path: `/api/admin/polls/${s}`, voteOn: null, kind: 'admin' as const })),
  fc.webPath().map((p) => ({ path: p || '/', voteOn: null, kind: 'read' as const })),
);

const ballot = fc.oneof(
  fc.record({ choices: fc.array(fc.constantFrom(...KEYS), { maxLength: 5 }) }),
  fc.record({ choices: fc.array(fc.string(), { maxLength: 5 }) }, { requiredKeys: [] }),
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom('choices', '__proto__', 'constructor', 'x'), fc.jsonValue()),
);

const body = fc.oneof(
  ballot.map((value) => JSON.stringify(value)),
  fc
    .array(fc.constantFrom(...KEYS, 'zzz', ''), { maxLength: 5 })
    .map((keys) => keys.map((k) => `choice=${encodeURIComponent(k)}`).join('&')),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc
    .record(
      { question: fc.string(), options: fc.array(fc.oneof(fc.string(), fc.jsonValue())), slug: fc.string() },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.constant(undefined),
);

const headers = fc.record({
  'content-type': fc.constantFrom(
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'text/plain',
    'application/JSON',
    '*/*',
  ),
  origin: fc.constantFrom(undefined, 'SELF', 'https://evil.example', 'null', 'not a url'),
  authorization: fc.constantFrom(
    undefined,
    'Bearer wrong-token-wrong-token',
    'Basic abc',
    'Bearer',
    `Bearer ${ADMIN_TOKEN}`,
  ),
  cookie: fc.constantFrom(undefined, 'pp_voter=garbage', 'pp_voter=a.b; pp_widget_voter=%%', 'x=y'),
  'x-forwarded-for': fc.constantFrom(undefined, '203.0.113.1', 'garbage, ::1'),
  accept: fc.constantFrom(undefined, 'text/html', 'application/json', '*/*'),
});

const method = fc.constantFrom('GET', 'GET', 'POST', 'POST', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS');

const anyRequest = fc.tuple(target, method, headers, body);

/** Near-valid ballots, so the accepting paths (and the tally property) are exercised often. */
const plausibleVote = fc
  .tuple(
    fc.constantFrom(...TRACKED.map((p) => p.slug)),
    fc.subarray(KEYS, { maxLength: 4 }),
    fc.constantFrom('api', 'form', 'embed'),
    fc.constantFrom(undefined, 'SELF'),
  )
  .map(([pollSlug, keys, via, origin]) => {
    const api = via === 'api';
    const t = api
      ? { path: `/api/polls/${pollSlug}/votes`, voteOn: pollSlug, kind: 'api' as const }
      : { path: `/${via === 'form' ? 'polls' : 'embed'}/${pollSlug}`, voteOn: pollSlug, kind: 'form' as const };
    const head = { 'content-type': api ? 'application/json' : 'application/x-www-form-urlencoded', origin };
    const payload = api ? JSON.stringify({ choices: keys }) : keys.map((k) => `choice=${k}`).join('&');
    return [t, 'POST', head, payload] as [typeof t, string, Record<string, string | undefined>, string];
  });

async function tallies(): Promise<Map<string, number>> {
  const db = createDb(server.databaseUrl);
  try {
    const polls = await createSqliteStore(db).listPolls();
    return new Map(polls.map((p) => [p.slug, p.responseCount]));
  } finally {
    db.$client.close();
  }
}

describe(`fuzzing (${RUNS} requests)`, () => {
  it('never answers 5xx, never logs an unhandled error, and stores only acknowledged votes', async () => {
    const before = await tallies();
    const acknowledged = new Map<string, number>();
    const admin = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 3, arbitrary: anyRequest }, { weight: 1, arbitrary: plausibleVote }),
        async ([t, verb, head, payload]) => {
          const sendHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(head))
            if (value !== undefined) sendHeaders[name] = value === 'SELF' ? base : value;
          // Admin writes with the real token stay in the sandbox so tracked tallies keep their meaning.
          const trackedAdminWrite =
            t.kind === 'admin' && !t.path.endsWith('fuzz-sandbox') && t.path !== '/api/admin/polls' && verb !== 'GET';
          if (trackedAdminWrite) delete sendHeaders.authorization;
          const withBody = !['GET', 'HEAD'].includes(verb) && payload !== undefined;
          const response = await fetch(`${base}${t.path}`, {
            method: verb,
            headers: sendHeaders,
            body: withBody ? payload : undefined,
            redirect: 'manual',
          });
          await response.arrayBuffer();
          expect(response.status, `${verb} ${t.path}`).toBeLessThan(500);
          const accepted =
            (t.kind === 'api' && response.status === 201) ||
            (t.kind === 'form' && verb === 'POST' && response.status === 303);
          if (accepted && t.voteOn) acknowledged.set(t.voteOn, (acknowledged.get(t.voteOn) ?? 0) + 1);
          if (t.kind === 'admin' && response.status < 300 && verb !== 'GET') admin.add(t.path);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
    // The generators reach the accepting paths too, or the tally property would prove little.
    if (RUNS >= 1000) expect([...acknowledged.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const after = await tallies();
    for (const poll of TRACKED) {
      expect(after.get(poll.slug), poll.slug).toBe(before.get(poll.slug)! + (acknowledged.get(poll.slug) ?? 0));
    }
    expect(after.get('shut')).toBe(0);
    expect(after.get('later')).toBe(0);
    expect(server.output()).not.toMatch(/Unhandled error|TypeError|RangeError|at .*\.mjs:\d+/);
    const db = createDb(server.databaseUrl);
    try {
      expect(await createSqliteStore(db).recount(false)).toEqual([]);
    } finally {
      db.$client.close();
    }
  }, 600_000);
});
