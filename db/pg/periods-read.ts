/**
 * Trends from PostgreSQL's per-day tallies, as db/sqlite-periods.ts reads SQLite's: at most one
 * row per day and option, so a trend costs the same at any vote count. The first day with votes,
 * the days and their option votes are read in ONE statement: one snapshot.
 */
import { sql } from 'drizzle-orm';
import type { DayCounts, PollStore } from '../../src/lib/store';
import type { PgDb } from './client';

interface DayRow {
  kind: number;
  day: number | null;
  optionId: number | null;
  n: number | null;
}

export function createPgPeriodReads(db: PgDb): Pick<PollStore, 'dailyCounts'> {
  return {
    async dailyCounts(pollId, fromDay, toDay) {
      const { rows } = await db.execute<Record<string, unknown>>(sql`
        select 0 as kind, min(day) as day, null::int as "optionId", null::int as n
        from period_tallies where poll_id = ${pollId}
        union all
        select 1, day, null, responses from period_tallies
        where poll_id = ${pollId} and day between ${fromDay} and ${toDay}
        union all
        select 2, day, option_id, votes from period_option_tallies
        where poll_id = ${pollId} and day between ${fromDay} and ${toDay}`);
      const read = rows as unknown as DayRow[];
      const days = read
        .filter((row) => row.kind === 1)
        .sort((a, b) => a.day! - b.day!)
        .map((row): DayCounts => ({ day: row.day!, responses: row.n!, optionVotes: new Map<number, number>() }));
      const byDay = new Map(days.map((day) => [day.day, day]));
      const optionRows = read.filter((row) => row.kind === 2).sort((a, b) => a.optionId! - b.optionId!);
      for (const row of optionRows) byDay.get(row.day!)?.optionVotes.set(row.optionId!, row.n!);
      return { firstDay: read.find((row) => row.kind === 0)?.day ?? null, days };
    },
  };
}
