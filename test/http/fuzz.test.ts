/**
 * Property-based fuzzing of every public endpoint and form against the built server, which runs
 * behind a "proxy" (TRUST_PROXY=1, TRUSTED_PROXIES=127.0.0.1) with PUBLIC_ORIGIN set, so
 * forwarding headers, odd hosts and slow, trickled bodies are all in play.
 * Properties: no 5xx, no unhandled error in the log, and stored tallies — per poll and per
 * profile segment — move only by the votes the server acknowledged. FUZZ_RUNS sets the number of requests (npm run fuzz -- --runs N).
 */
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, useServer } from '../support/server';
import { withStores } from '../support/temp-db';

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
    profile: ['role', 'companySize'],
  },
  {
    slug: 'multi',
    question: 'Multi?',
    options: ['A', 'B', 'C', 'D'],
    type: 'multiple',
    minChoices: 1,
    maxChoices: 3,
    duplicatePolicy: 'none',
    profile: ['role', 'companySize'],
  },
  {
    slug: 'dev',
    question: 'Device?',
    options: ['Yes', 'No'],
    duplicatePolicy: 'device',
    resultsVisibility: 'after_vote',
    profile: ['companySize'],
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
/** Profile questions the tracked polls ask (and one they do not), for segment tallies. */
const DIMENSIONS = ['role', 'companySize'] as const;

/** Profile answers, mostly valid: some unknown dimensions and values, "prefer not to say" as '' or null. */
const profileAnswers = fc.dictionary(
  fc.constantFrom('role', 'companySize', 'companySize', 'region', '__proto__'),
  fc.constantFrom('manager', 'vp', 'c-level', 'lt-1000', 'gt-10000', 'emea', 'ceo', '', null, 7),
  { maxKeys: 3 },
);
/** Mostly answers the tracked polls take, so acknowledged ballots with answers are common. */
const plausibleProfile = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record(
      {
        role: fc.constantFrom('manager', 'vp', 'c-level', ''),
        companySize: fc.constantFrom('lt-1000', 'gt-10000', '1000-10000', null),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: profileAnswers },
);

/** The site's public origin; the server refuses requests for other hosts (421). */
const PUBLIC_HOST = 'polls.test';

const server = useServer({
  env: { TRUST_PROXY: '1', TRUSTED_PROXIES: '127.0.0.1', PUBLIC_ORIGIN: `http://${PUBLIC_HOST}` },
  setup: async () => {
    for (const poll of TRACKED) {
      const created = await send(
        '/api/admin/polls',
        'POST',
        {
          host: PUBLIC_HOST,
          'content-type': 'application/json',
          authorization: `Bearer ${ADMIN_TOKEN}`,
        },
        JSON.stringify(poll),
        false,
      );
      expect(created).toBe(201);
    }
  },
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
  fc.record({ choices: fc.array(fc.constantFrom(...KEYS), { maxLength: 3 }), profile: profileAnswers }),
  fc.record({ choices: fc.array(fc.constantFrom(...KEYS), { maxLength: 3 }), profile: fc.jsonValue() }),
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
  origin: fc.constantFrom(undefined, 'SELF', 'SELF', 'https://polls.test', 'https://evil.example', 'null', 'not a url'),
  host: fc.oneof(
    { weight: 8, arbitrary: fc.constant(PUBLIC_HOST) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'POLLS.test:80',
        'evil.example',
        'polls.test:99999',
        'user@polls.test',
        '[::1]',
        '127.0.0.1',
        'polls.test.',
        'a'.repeat(300),
      ),
    },
  ),
  'x-forwarded-host': fc.constantFrom(
    undefined,
    undefined,
    'polls.test',
    'evil.example',
    'polls.test, evil.example',
    '',
  ),
  'x-forwarded-proto': fc.constantFrom(undefined, 'https', 'http', 'gopher', 'https, http'),
  authorization: fc.constantFrom(
    undefined,
    'Bearer wrong-token-wrong-token',
    'Basic abc',
    'Bearer',
    `Bearer ${ADMIN_TOKEN}`,
  ),
  cookie: fc.constantFrom(undefined, 'pp_voter=garbage', 'pp_voter=a.b; pp_widget_voter=%%', 'x=y'),
  'x-forwarded-for': fc.constantFrom(
    undefined,
    '203.0.113.1',
    'garbage, ::1',
    '198.51.100.7:4711',
    '6.6.6.6, [2001:db8::5]:443',
    '[not-an-ip]',
    ', , ,',
    '127.0.0.1, 127.0.0.1',
    'unknown',
    '::ffff:203.0.113.9',
  ),
  accept: fc.constantFrom(undefined, 'text/html', 'application/json', '*/*'),
});

const method = fc.constantFrom('GET', 'GET', 'POST', 'POST', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS');

/** Some bodies arrive in small chunks with pauses, declared by Content-Length or chunked. */
const pacing = fc.constantFrom('whole', 'whole', 'whole', 'trickle', 'trickle-chunked');
type Pacing = 'whole' | 'trickle' | 'trickle-chunked';

const anyRequest = fc.tuple(target, method, headers, body, pacing);

/** Near-valid ballots, so the accepting paths (and the tally property) are exercised often. */
const plausibleVote = fc
  .tuple(
    // Either any keys, or one of the poll's own (a ballot every open poll takes).
    fc
      .constantFrom(...TRACKED)
      .chain((poll) =>
        fc.tuple(
          fc.constant(poll.slug),
          fc.oneof(fc.subarray(KEYS, { maxLength: 4 }), fc.constantFrom(...poll.options.map((o) => [o.toLowerCase()]))),
        ),
      ),
    fc.constantFrom('api', 'form', 'embed'),
    fc.constantFrom(undefined, 'SELF'),
    fc.option(plausibleProfile, { nil: undefined }),
  )
  .map(([[pollSlug, keys], via, origin, profile]) => {
    const api = via === 'api';
    const t = api
      ? { path: `/api/polls/${pollSlug}/votes`, voteOn: pollSlug, kind: 'api' as const }
      : { path: `/${via === 'form' ? 'polls' : 'embed'}/${pollSlug}`, voteOn: pollSlug, kind: 'form' as const };
    const head = {
      'content-type': api ? 'application/json' : 'application/x-www-form-urlencoded',
      origin,
      host: PUBLIC_HOST,
    };
    // Profile answers travel with API ballots; form posts here leave them out (not stated).
    const payload = api ? JSON.stringify({ choices: keys, profile }) : keys.map((k) => `choice=${k}`).join('&');
    return [t, 'POST', head, payload, 'whole'] as [
      typeof t,
      string,
      Record<string, string | undefined>,
      string,
      Pacing,
    ];
  });

/**
 * One request over node:http (fetch may not set Host), the body sent whole or trickled in
 * small pieces; resolves with the status once the whole answer has been read.
 */
function send(
  path: string,
  method: string,
  headers: Record<string, string>,
  payload: string | Buffer | undefined,
  slowly: boolean | Pacing,
): Promise<number> {
  const pace: Pacing = slowly === true ? 'trickle' : slowly === false ? 'whole' : slowly;
  const bytes = payload === undefined ? undefined : Buffer.from(payload);
  const sendHeaders = { ...headers };
  if (bytes && pace !== 'trickle-chunked') sendHeaders['content-length'] = String(bytes.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}${path}`, { method, headers: sendHeaders }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    // The server may answer (and close) before a refused body is through; that is its right.
    req.on('error', (error: NodeJS.ErrnoException) =>
      ['ECONNRESET', 'EPIPE'].includes(error.code ?? '') ? resolve(-1) : reject(error),
    );
    if (!bytes || pace === 'whole') return void req.end(bytes);
    void (async () => {
      for (let at = 0; at < bytes.length; at += 7) {
        if (req.destroyed) return;
        req.write(bytes.subarray(at, at + 7));
        await new Promise((wait) => setTimeout(wait, 3));
      }
      req.end();
    })();
  });
}

async function tallies(): Promise<Map<string, number>> {
  const polls = await withStores(server.databaseUrl, ({ store }) => store.listPolls());
  return new Map(polls.map((p) => [p.slug, p.responseCount]));
}

/** Stored segment tallies of the tracked polls: "slug dimension=value" → respondents. */
async function segmentTallies(): Promise<Map<string, number>> {
  return withStores(server.databaseUrl, async ({ store }) => {
    const counts = new Map<string, number>();
    for (const { slug } of TRACKED) {
      const poll = (await store.findPoll(slug))!;
      for (const dimension of DIMENSIONS) {
        const { segments } = await store.segmentCounts(poll.id, dimension, null);
        for (const [value, group] of segments) counts.set(`${slug} ${dimension}=${value}`, group.responses);
      }
    }
    return counts;
  });
}

/**
 * The profile answers an acknowledged JSON ballot carried ('' and null: not stated). Form posts
 * in this test never carry profile fields, so theirs are all "not stated".
 */
function statedAnswers(kind: string, payload: string | Buffer | undefined): [string, string][] {
  if (kind !== 'api' || payload === undefined) return [];
  const { profile } = JSON.parse(payload.toString()) as { profile?: Record<string, unknown> | null };
  return Object.entries(profile ?? {}).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
  );
}

describe(`fuzzing (${RUNS} requests)`, () => {
  it('never answers 5xx, never logs an unhandled error, and stores only acknowledged votes', async () => {
    const before = await tallies();
    const segmentsBefore = await segmentTallies();
    const acknowledged = new Map<string, number>();
    const acknowledgedAnswers = new Map<string, number>();
    const admin = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 3, arbitrary: anyRequest }, { weight: 1, arbitrary: plausibleVote }),
        async ([t, verb, head, payload, pace]) => {
          const sendHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(head))
            if (value !== undefined) sendHeaders[name] = value === 'SELF' ? `http://${PUBLIC_HOST}` : value;
          // Admin writes with the real token stay in the sandbox so tracked tallies keep their meaning.
          const trackedAdminWrite =
            t.kind === 'admin' && !t.path.endsWith('fuzz-sandbox') && t.path !== '/api/admin/polls' && verb !== 'GET';
          if (trackedAdminWrite) delete sendHeaders.authorization;
          const withBody = !['GET', 'HEAD'].includes(verb) && payload !== undefined;
          const status = await send(t.path, verb, sendHeaders, withBody ? payload : undefined, pace);
          expect(status, `${verb} ${t.path} ${JSON.stringify(sendHeaders)}`).toBeLessThan(500);
          const accepted =
            (t.kind === 'api' && status === 201) || (t.kind === 'form' && verb === 'POST' && status === 303);
          if (accepted && t.voteOn) {
            acknowledged.set(t.voteOn, (acknowledged.get(t.voteOn) ?? 0) + 1);
            for (const [dimension, value] of statedAnswers(t.kind, payload)) {
              const key = `${t.voteOn} ${dimension}=${value}`;
              acknowledgedAnswers.set(key, (acknowledgedAnswers.get(key) ?? 0) + 1);
            }
          }
          if (t.kind === 'admin' && status > 0 && status < 300 && verb !== 'GET') admin.add(t.path);
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
    // Segment tallies too: each answer an acknowledged ballot stated, and nothing else.
    const segmentsAfter = await segmentTallies();
    for (const key of new Set([...segmentsBefore.keys(), ...segmentsAfter.keys(), ...acknowledgedAnswers.keys()])) {
      expect(segmentsAfter.get(key) ?? 0, key).toBe(
        (segmentsBefore.get(key) ?? 0) + (acknowledgedAnswers.get(key) ?? 0),
      );
    }
    if (RUNS >= 1000) expect([...acknowledgedAnswers.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(after.get('shut')).toBe(0);
    expect(after.get('later')).toBe(0);
    expect(server.output()).not.toMatch(/Unhandled error|TypeError|RangeError|at .*\.mjs:\d+/);
    expect(await withStores(server.databaseUrl, ({ store }) => store.recount(false))).toEqual([]);
  }, 600_000);
});
