/**
 * Concurrency and crash safety against the built server: exact counts (overall and per profile
 * segment) under 200 concurrent votes, and no acknowledged vote lost, nor any segment tally out
 * of step with the vote log, when the process is SIGKILLed mid-stream.
 */
import { describe, expect, it } from 'vitest';
import { createPoll, request } from '../support/api';
import { ADMIN_TOKEN, withServer } from '../support/server';
import { withDatabase } from '../support/temp-db';

const tallyDrift = (databaseUrl: string) => withDatabase(databaseUrl, ({ store }) => store.recount(false));

type Profile = Record<string, string>;
/** A ballot with profile answers, as the poll page's "About you" fieldset sends them. */
const vote = (base: string, slug: string, choices: string[], profile: Profile) =>
  request(`${base}/api/polls/${slug}/votes`, { method: 'POST', json: { choices, profile } });

/** Voter i's answers: three roles and "not stated", two sizes and "not stated", some answering only one. */
const ROLES = ['manager', 'director', 'individual', undefined];
const SIZES = ['lt-1000', 'gt-10000', undefined];
function profileOf(i: number): Profile {
  const profile: Profile = {};
  const role = ROLES[i % ROLES.length];
  const size = SIZES[i % SIZES.length];
  if (role) profile.role = role;
  if (size) profile.companySize = size;
  return profile;
}

interface Segment {
  value: string;
  suppressed: boolean;
  n: number | null;
  options: { key: string; votes: number }[] | null;
}

/** Respondents and option votes per segment of `by` straight from the vote log (votes, vote_choices, vote_profiles). */
function fromVoteLog(databaseUrl: string, slug: string, by: string, where?: [string, string]) {
  return withDatabase(databaseUrl, ({ db }) => {
    const inCrossSection = where
      ? `and exists (select 1 from vote_profiles w where w.vote_id = v.id and w.dimension = ? and w.value = ?)`
      : '';
    const rows = db.$client
      .prepare(
        `select coalesce(b.value, 'not-stated') as value, o.key as key, count(*) as n
           from votes v join polls p on p.id = v.poll_id
           join vote_choices c on c.vote_id = v.id join poll_options o on o.id = c.option_id
           left join vote_profiles b on b.vote_id = v.id and b.dimension = ?
          where p.slug = ? ${inCrossSection}
          group by 1, 2`,
      )
      .all(by, slug, ...(where ?? [])) as { value: string; key: string; n: number }[];
    const respondents = db.$client
      .prepare(
        `select coalesce(b.value, 'not-stated') as value, count(*) as n
           from votes v join polls p on p.id = v.poll_id
           left join vote_profiles b on b.vote_id = v.id and b.dimension = ?
          where p.slug = ? ${inCrossSection}
          group by 1`,
      )
      .all(by, slug, ...(where ?? [])) as { value: string; n: number }[];
    return {
      n: (value: string) => respondents.find((r) => r.value === value)?.n ?? 0,
      votes: (value: string, key: string) => rows.find((r) => r.value === value && r.key === key)?.n ?? 0,
    };
  });
}

/** Every shown segment of the served breakdown equals the vote log; every hidden one is small there. */
async function expectBreakdownMatchesLog(base: string, databaseUrl: string, slug: string, query: string) {
  const response = await request(`${base}/api/polls/${slug}/results?${query}`);
  expect(response.status).toBe(200);
  const { dimension, where, minCellSize, segments } = response.body.breakdown;
  const log = await fromVoteLog(databaseUrl, slug, dimension, where ? [where.dimension, where.value] : undefined);
  let shown = 0;
  for (const segment of segments as Segment[]) {
    if (segment.suppressed) {
      expect(log.n(segment.value), `${segment.value} is hidden`).toBeLessThan(minCellSize);
      continue;
    }
    shown++;
    expect(segment.n, segment.value).toBe(log.n(segment.value));
    for (const option of segment.options!) {
      expect(option.votes, `${segment.value} ${option.key}`).toBe(log.votes(segment.value, option.key));
    }
  }
  // The check compared real numbers, not only hidden segments.
  expect(shown).toBeGreaterThanOrEqual(2);
}

describe('durability', () => {
  it('counts 200 concurrent votes exactly, per option and per profile segment', async () => {
    await withServer({ env: { RATE_LIMIT: '0' } }, async (server) => {
      await createPoll(server.url, {
        slug: 'rush',
        question: 'Rush?',
        options: ['A', 'B', 'C', 'D'],
        duplicatePolicy: 'none',
        resultsVisibility: 'always',
        profile: ['role', 'companySize'],
      });
      const keys = ['a', 'b', 'c', 'd'];
      const responses = await Promise.all(
        Array.from({ length: 200 }, (_, i) => vote(server.url, 'rush', [keys[i % 4]!], profileOf(i))),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(200).fill(201));
      const results = await request(`${server.url}/api/polls/rush/results`);
      expect(results.body.totalResponses).toBe(200);
      expect(results.body.options.map((o: { votes: number }) => o.votes)).toEqual([50, 50, 50, 50]);

      // Voter i chose keys[i % 4] with role ROLES[i % 4]: each role (and "not stated") is one option's 50.
      const byRole = await request(`${server.url}/api/polls/rush/results?by=role`);
      const segment = (value: string) => (byRole.body.breakdown.segments as Segment[]).find((s) => s.value === value)!;
      ROLES.forEach((role, r) => {
        expect(segment(role ?? 'not-stated')).toMatchObject({
          n: 50,
          options: keys.map((key, k) => ({ key, votes: k === r ? 50 : 0 })),
        });
      });
      // Sizes cycle by i % 3: 67, 67 and 66 respondents.
      const bySize = await request(`${server.url}/api/polls/rush/results?by=companySize`);
      const sizes = (bySize.body.breakdown.segments as Segment[]).map((s) => [s.value, s.n]);
      expect(sizes).toEqual([
        ['lt-1000', 67],
        ['1000-10000', null],
        ['gt-10000', 67],
        ['not-stated', 66],
      ]);
      expect(await tallyDrift(server.databaseUrl)).toEqual([]);
    });
  });

  it('loses no acknowledged vote when killed with SIGKILL during a stream of votes', async () => {
    await withServer({ env: { RATE_LIMIT: '0' } }, async (server) => {
      await createPoll(server.url, {
        slug: 'crash',
        question: 'Crash?',
        options: ['A', 'B'],
        duplicatePolicy: 'none',
        resultsVisibility: 'always',
        profile: ['role', 'companySize'],
      });

      let acknowledged = 0;
      let stop = false;
      // Eight clients voting in a loop until the server dies under them, each vote with profile answers.
      const client = async (n: number) => {
        for (let i = n; !stop; i += 8) {
          try {
            const response = await vote(server.url, 'crash', [n % 2 ? 'a' : 'b'], profileOf(i));
            if (response.status === 201) acknowledged++;
          } catch {
            return; // connection refused or reset: the server is gone
          }
        }
      };
      const clients = Array.from({ length: 8 }, (_, n) => client(n));
      while (acknowledged < 150) await new Promise((resolve) => setTimeout(resolve, 5));
      await server.kill();
      stop = true;
      await Promise.all(clients);

      // Restarted on the same folder; K = 3 so the breakdown checks below compare most segments.
      await withServer({ dir: server.dir, env: { RATE_LIMIT: '0', SEGMENT_MIN_N: '3' } }, async (restarted) => {
        const results = await request(`${restarted.url}/api/admin/polls/crash`, { token: ADMIN_TOKEN });
        expect(results.status).toBe(200);
        const summary = (await request(`${restarted.url}/api/polls`)).body.polls.find(
          (p: { slug: string }) => p.slug === 'crash',
        );
        // Every 201 was committed; at most the in-flight, unacknowledged votes may also have landed.
        expect(summary.totalResponses).toBeGreaterThanOrEqual(acknowledged);
        expect(summary.totalResponses).toBeLessThanOrEqual(acknowledged + 8);
        // Poll, option and segment tallies all equal the vote log (recount compares segment
        // tallies with vote_profiles too)…
        expect(await tallyDrift(restarted.databaseUrl)).toEqual([]);
        // …and so do the breakdowns a reader gets, from the tallies and from the vote log.
        await expectBreakdownMatchesLog(restarted.url, restarted.databaseUrl, 'crash', 'by=role');
        await expectBreakdownMatchesLog(restarted.url, restarted.databaseUrl, 'crash', 'by=companySize');
        await expectBreakdownMatchesLog(
          restarted.url,
          restarted.databaseUrl,
          'crash',
          'by=role&where=companySize:gt-10000',
        );
      });
    });
  });
});
