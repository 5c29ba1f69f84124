/**
 * The attack of the review that found the cross-view leak, run against the demo polls through
 * the real breakdown code at K = 10: read every plain breakdown and every `by`/`where` view, then
 * solve every row and column total with a single unknown cell, again and again. No group of
 * 1…K−1 respondents may come out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBreakdown } from '@/lib/breakdown';
import { PROFILE_DIMENSIONS, segmentsOf, type ProfileDimension } from '@/lib/profile';
import { seedDemo } from '../../db/seed';
import { openTempStores, type TempStores } from '../support/temp-db';

const K = 10;
let t: TempStores;
beforeEach(async () => {
  t = await openTempStores();
});
afterEach(() => t.cleanup());

describe('combining breakdown views', () => {
  it.each(['ai-projects-in-production', 'project-management-tool'])('reveals no small group of %s', async (slug) => {
    await seedDemo(t.store, Date.parse('2026-06-01T12:00:00Z'));
    const poll = (await t.store.findPoll(slug))!;
    const dims = PROFILE_DIMENSIONS.filter((d) => poll.profile.includes(d));
    const key = (a: [ProfileDimension, string], b?: [ProfileDimension, string]) =>
      [a, b]
        .filter(Boolean)
        .map((p) => p!.join('='))
        .sort()
        .join('|');
    const known = new Map<string, number>();
    for (const A of dims) {
      const plain = await readBreakdown(t.store, poll, { by: A, where: null }, K);
      for (const s of plain.breakdown.segments) if (!s.suppressed) known.set(key([A, s.value]), s.n!);
      for (const B of dims.filter((d) => d !== A)) {
        for (const { key: value } of segmentsOf(B)) {
          const view = await readBreakdown(t.store, poll, { by: A, where: { dimension: B, value } }, K);
          for (const s of view.breakdown.segments) if (!s.suppressed) known.set(key([A, s.value], [B, value]), s.n!);
        }
      }
    }
    // Constraints: each total = the sum of its parts (grand total; a plain segment = its cells).
    const constraints: { total: string | number; parts: string[] }[] = [];
    for (const A of dims) {
      constraints.push({ total: poll.responseCount, parts: segmentsOf(A).map((a) => key([A, a.key])) });
      for (const B of dims.filter((d) => d !== A)) {
        for (const a of segmentsOf(A)) {
          constraints.push({ total: key([A, a.key]), parts: segmentsOf(B).map((b) => key([A, a.key], [B, b.key])) });
        }
      }
    }
    const recovered: [string, number][] = [];
    for (let changed = true; changed;) {
      changed = false;
      for (const { total, parts } of constraints) {
        const all = typeof total === 'string' ? [total, ...parts] : parts;
        const unknown = all.filter((k) => !known.has(k));
        if (unknown.length !== 1) continue;
        const [u] = unknown as [string];
        const sum = (keys: string[]) => keys.reduce((s, k) => s + (known.get(k) ?? 0), 0);
        const totalValue = typeof total === 'string' ? known.get(total) : total;
        const value = u === total ? sum(parts) : totalValue! - sum(parts.filter((k) => k !== u));
        known.set(u, value);
        recovered.push([u, value]);
        changed = true;
      }
    }
    expect(recovered.filter(([, n]) => n > 0 && n < K)).toEqual([]);
  });
});
