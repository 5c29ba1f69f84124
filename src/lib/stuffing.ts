/**
 * Ballot stuffing made visible (issue 16): from a poll's votes per network prefix digest per
 * hour, the hourly totals, the top networks under anonymous labels ("Network A", B, …, by
 * share) and the bursts worth a look. Pure: the admin page reads the traffic and the
 * quarantines from the store and renders what this returns.
 */
import { createHash } from 'node:crypto';
import { HOUR_MS, type PrefixHour, type QuarantineRecord } from './store';

/** The traffic view covers the poll's last two days at most: long enough to see a night's burst and the usual rate around it. */
export const TRAFFIC_WINDOW_HOURS = 48;
/** Networks named in the shares table; the rest are summed as "other networks". */
export const TOP_NETWORKS = 5;
/**
 * A network's hour is "far above the usual rate" when it holds at least BURST_RATE_FACTOR times
 * the poll's median busy hour (all networks together, hours with at least one vote) AND at least
 * BURST_MIN_VOTES votes. The median, not the mean, so the burst itself barely moves the yardstick
 * (one 600-vote hour among thirty 10-vote hours leaves the median at 10). The factor 5 lets a
 * lively hour (a newsletter, a meeting: two or three times the usual) pass; one network alone
 * outvoting five usual hours of everyone is what a script looks like. The floor of 20 keeps a
 * quiet poll (median 1) from flagging a class of five colleagues behind one address. A flag asks
 * for a look, never acts: an office of 200 voting in one meeting is flagged too, and the owner
 * who knows it leaves it counted.
 */
export const BURST_RATE_FACTOR = 5;
export const BURST_MIN_VOTES = 20;

export interface HourTotal {
  /** Hours since 1970-01-01T00:00Z. */
  hour: number;
  votes: number;
  refused: number;
}

export interface NetworkShare {
  label: string;
  /** Opaque form value naming the network (see networkRef); never the digest. */
  ref: string;
  votes: number;
  refused: number;
  /** Of every vote with a known network in the window. */
  share: number;
}

export type BurstReason = 'over_budget' | 'above_usual';

export interface Burst {
  label: string;
  ref: string;
  /** The digest, for the server's own use (the quarantine); pages must not render it. */
  prefixKey: string;
  /** First hour of the burst and the hour after its last (exclusive). */
  fromHour: number;
  toHour: number;
  votes: number;
  refused: number;
  reasons: BurstReason[];
  /** The active quarantine holding the whole burst, if any. */
  heldBy: number | null;
}

export interface TrafficView {
  /** Every hour of the window, oldest first, zeros included (the chart's bars). */
  hours: HourTotal[];
  totalVotes: number;
  totalRefused: number;
  /** The median votes of the hours with votes (0 without any): the poll's usual hourly rate. */
  usualRate: number;
  networks: NetworkShare[];
  /** Networks beyond the top ones, summed; null when there are none. */
  otherNetworks: { count: number; votes: number; share: number } | null;
  /** Flagged bursts, newest first. */
  bursts: Burst[];
  /** digest → label, for every network in the window (quarantines list their network by it). */
  labels: Map<string, string>;
}

/** The hours the traffic view shows: the poll's life up to now (or its close), at most the last TRAFFIC_WINDOW_HOURS. */
export function trafficWindow(
  poll: { createdAt: number; closesAt: number | null },
  now: number,
): { fromHour: number; toHour: number } {
  const end = poll.closesAt !== null && poll.closesAt < now ? poll.closesAt : now;
  const toHour = Math.floor(Math.max(end, poll.createdAt) / HOUR_MS);
  const fromHour = Math.max(Math.floor(poll.createdAt / HOUR_MS), toHour - TRAFFIC_WINDOW_HOURS + 1);
  return { fromHour, toHour };
}

/** "Network A" … "Network Z", then "Network AA", "Network AB", … (spreadsheet columns): rank 0 is the largest. */
export function networkLabel(rank: number): string {
  let name = '';
  for (let n = rank + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return `Network ${name}`;
}

/**
 * The form value naming a network: a hash of the digest, so the page holds nothing that a
 * holder of the voter-key secret could test prefixes against, and the server maps it back by
 * hashing the digests of the burst's hours (labels alone could name another network by then).
 */
export function networkRef(prefixKey: string): string {
  return createHash('sha256').update(`network-ref\0${prefixKey}`).digest('base64url').slice(0, 22);
}

const median = (values: number[]): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The traffic view of `rows` (prefix-hour tallies in the window), with the poll's quarantines. */
export function analyseTraffic(
  rows: readonly PrefixHour[],
  window: { fromHour: number; toHour: number },
  quarantines: readonly QuarantineRecord[] = [],
): TrafficView {
  const inWindow = rows.filter((row) => row.hour >= window.fromHour && row.hour <= window.toHour);
  const hours: HourTotal[] = [];
  for (let hour = window.fromHour; hour <= window.toHour; hour++) hours.push({ hour, votes: 0, refused: 0 });
  const perNetwork = new Map<string, { votes: number; refused: number }>();
  for (const row of inWindow) {
    const total = hours[row.hour - window.fromHour]!;
    total.votes += row.votes;
    total.refused += row.refused;
    const network =
      perNetwork.get(row.prefixKey) ?? perNetwork.set(row.prefixKey, { votes: 0, refused: 0 }).get(row.prefixKey)!;
    network.votes += row.votes;
    network.refused += row.refused;
  }
  const totalVotes = hours.reduce((sum, h) => sum + h.votes, 0);
  const totalRefused = hours.reduce((sum, h) => sum + h.refused, 0);
  const share = (votes: number) => (totalVotes === 0 ? 0 : votes / totalVotes);
  // Largest first; ties by digest, so a label does not change between two renders of the same data.
  const ranked = [...perNetwork].sort(
    ([a, x], [b, y]) => y.votes - x.votes || y.refused - x.refused || (a < b ? -1 : 1),
  );
  const labels = new Map(ranked.map(([key], rank) => [key, networkLabel(rank)]));
  const networks = ranked.slice(0, TOP_NETWORKS).map(([key, counts]) => ({
    label: labels.get(key)!,
    ref: networkRef(key),
    ...counts,
    share: share(counts.votes),
  }));
  const rest = ranked.slice(TOP_NETWORKS);
  const restVotes = rest.reduce((sum, [, counts]) => sum + counts.votes, 0);
  const otherNetworks = rest.length > 0 ? { count: rest.length, votes: restVotes, share: share(restVotes) } : null;

  const usualRate = median(hours.filter((h) => h.votes > 0).map((h) => h.votes));
  const reasonsOf = (row: PrefixHour): BurstReason[] => [
    ...(row.refused > 0 ? (['over_budget'] as const) : []),
    ...(row.votes >= BURST_MIN_VOTES && row.votes >= BURST_RATE_FACTOR * usualRate ? (['above_usual'] as const) : []),
  ];
  // Flagged hours per network, merged when adjacent.
  const bursts: Burst[] = [];
  const flagged = inWindow
    .map((row) => ({ row, reasons: reasonsOf(row) }))
    .filter(({ reasons }) => reasons.length > 0)
    .sort((a, b) =>
      a.row.prefixKey < b.row.prefixKey ? -1 : a.row.prefixKey > b.row.prefixKey ? 1 : a.row.hour - b.row.hour,
    );
  for (const { row, reasons } of flagged) {
    const last = bursts.at(-1);
    if (last && last.prefixKey === row.prefixKey && last.toHour === row.hour) {
      last.toHour += 1;
      last.votes += row.votes;
      last.refused += row.refused;
      for (const reason of reasons) if (!last.reasons.includes(reason)) last.reasons.push(reason);
      continue;
    }
    bursts.push({
      label: labels.get(row.prefixKey)!,
      ref: networkRef(row.prefixKey),
      prefixKey: row.prefixKey,
      fromHour: row.hour,
      toHour: row.hour + 1,
      votes: row.votes,
      refused: row.refused,
      reasons: [...reasons],
      heldBy: null,
    });
  }
  for (const burst of bursts) {
    const holding = quarantines.find(
      (q) =>
        q.restoredAt === null &&
        q.prefixKey === burst.prefixKey &&
        q.fromAt <= burst.fromHour * HOUR_MS &&
        q.toAt >= burst.toHour * HOUR_MS,
    );
    burst.heldBy = holding?.id ?? null;
  }
  bursts.sort((a, b) => b.fromHour - a.fromHour || b.votes - a.votes);
  return { hours, totalVotes, totalRefused, usualRate, networks, otherNetworks, bursts, labels };
}

/** The digest a form's network ref names among these tallies' networks, or null. */
export function digestOfRef(rows: readonly PrefixHour[], ref: string): string | null {
  return rows.find((row) => networkRef(row.prefixKey) === ref)?.prefixKey ?? null;
}
