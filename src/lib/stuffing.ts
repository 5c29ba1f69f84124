/**
 * Ballot stuffing made visible (issue 16): from a poll's votes per network prefix digest per
 * hour, the hourly totals, the top networks under anonymous labels ("Network A", B, …, by
 * share) and the bursts worth a look. Pure: the admin page reads the traffic and the
 * quarantines from the store and renders what this returns.
 */
import { createHash } from 'node:crypto';
import { HOUR_MS, type PrefixHour, type QuarantineRecord } from './store';

/** The traffic view covers the poll's last two days by default: long enough to see a night's burst and the usual rate around it. */
export const TRAFFIC_WINDOW_HOURS = 48;
/**
 * "Show every hour" covers the poll's whole life, at most its last 92 days: a quarterly poll
 * whole, and for a bigger one a bounded read of prefix_hour_tallies (networks × hours rows, by
 * the (poll, prefix, hour) key).
 */
export const TRAFFIC_MAX_HOURS = 24 * 92;
/** Networks named in the shares table; the rest are summed as "other networks". */
export const TOP_NETWORKS = 5;
/**
 * A network's hour is "far above the usual rate" when it holds at least BURST_RATE_FACTOR times
 * the usual rate of the OTHER networks (the median of their hourly totals, over the hours of the
 * window in which they cast at least one vote) AND at least BURST_MIN_VOTES votes. The others
 * only: a patient stuffer voting in most hours would otherwise make its own hours the poll's
 * usual rate and never stand out. The median, not the mean, so one lively hour barely moves the
 * yardstick. The factor 5 lets a lively hour (a newsletter, a meeting: two or three times the
 * usual) pass; one network alone outvoting five usual hours of everyone else is what a script
 * looks like. The floor of 20 keeps a quiet poll (median 1) from flagging a class of five
 * colleagues behind one address.
 *
 * The yardstick needs YARDSTICK_MIN_VOTES votes of other networks in the window: below that
 * the network is the poll's audience (an office of 200 behind one address, voting in its
 * meeting, with a few colleagues from home), there is no "usual" to be far above, and the
 * shares table already says it plainly. Above it, an office that outvotes everyone else five to
 * one in an hour is flagged like a script would be: the two look the same from here, and a flag
 * only asks the owner to look (who knows the office and leaves it counted).
 */
export const BURST_RATE_FACTOR = 5;
export const BURST_MIN_VOTES = 20;
export const YARDSTICK_MIN_VOTES = 20;
/**
 * A network is "dominant" when it holds at least DOMINANT_SHARE of the window's votes, with at
 * least DOMINANT_MIN_VOTES votes, while at least DOMINANT_MIN_OTHERS other networks voted (and
 * the others cast YARDSTICK_MIN_VOTES): this catches the stuffer that stays under the budget and
 * under 5× the others in every hour but still decides the poll. 30 %: in a poll with a real
 * audience spread over homes and sites, one address block holding almost a third of the votes
 * is rare, and it is enough to swing a close result; 50 votes, so a small poll's one office is
 * not flagged for a few votes; 3 other networks, so a poll that really is one site plus a
 * couple of home workers is not flagged for being what it is. A large head office will be
 * flagged: the owner looks once and leaves it counted.
 */
export const DOMINANT_SHARE = 0.3;
export const DOMINANT_MIN_VOTES = 50;
export const DOMINANT_MIN_OTHERS = 3;

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

export type BurstReason = 'over_budget' | 'above_usual' | 'dominant';

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
  /** The other networks' usual busy hour this burst was measured against (0 without a yardstick). */
  usualRate: number;
  /** The network's share of the window's votes (the `dominant` reason's measure). */
  share: number;
  /** An active quarantine whose hours cover the whole burst, if any. */
  coveredBy: number | null;
  /**
   * Votes of the burst still counted publicly despite `coveredBy` (cast after the quarantine):
   * from `countedLeft`, 0 when not given. Irrelevant (0) without a covering quarantine.
   */
  countedLeft: number;
  /** The covering quarantine when it holds every vote of the burst (none counted left), else null. */
  heldBy: number | null;
}

export interface TrafficView {
  /** Every hour of the window, oldest first, zeros included (the chart's bars). */
  hours: HourTotal[];
  totalVotes: number;
  totalRefused: number;
  /** The median votes of the hours with votes (0 without any): the poll's usual hourly rate, all networks together. */
  usualRate: number;
  networks: NetworkShare[];
  /** Networks beyond the top ones, summed; null when there are none. */
  otherNetworks: { count: number; votes: number; share: number } | null;
  /** Flagged bursts, newest first. */
  bursts: Burst[];
  /** digest → label, for every network in the window (quarantines list their network by it). */
  labels: Map<string, string>;
}

/**
 * The hours the traffic view shows: the poll's life up to now (or its close), at most the last
 * TRAFFIC_WINDOW_HOURS, or with `all` at most the last TRAFFIC_MAX_HOURS (older bursts stay
 * reachable: the page links to it when the poll is older than the default window).
 */
export function trafficWindow(
  poll: { createdAt: number; closesAt: number | null },
  now: number,
  all = false,
): { fromHour: number; toHour: number } {
  const end = poll.closesAt !== null && poll.closesAt < now ? poll.closesAt : now;
  const toHour = Math.floor(Math.max(end, poll.createdAt) / HOUR_MS);
  const span = all ? TRAFFIC_MAX_HOURS : TRAFFIC_WINDOW_HOURS;
  const fromHour = Math.max(Math.floor(poll.createdAt / HOUR_MS), toHour - span + 1);
  return { fromHour, toHour };
}

/** Whether the poll's life is longer than the default window (the page then offers every hour). */
export function hasOlderHours(poll: { createdAt: number; closesAt: number | null }, now: number): boolean {
  const { fromHour } = trafficWindow(poll, now);
  return fromHour > Math.floor(poll.createdAt / HOUR_MS);
}

/** The key of a burst in `analyseTraffic`'s `countedLeft` map. */
export const burstKey = (burst: { prefixKey: string; fromHour: number; toHour: number }): string =>
  `${burst.prefixKey}\0${burst.fromHour}\0${burst.toHour}`;

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

/**
 * The traffic view of `rows` (prefix-hour tallies in the window), with the poll's quarantines.
 * `countedLeft` (by `burstKey`) says how many votes of a burst an active quarantine covers but
 * does not hold (cast after it); the page reads it from the vote log for covered bursts only.
 */
export function analyseTraffic(
  rows: readonly PrefixHour[],
  window: { fromHour: number; toHour: number },
  quarantines: readonly QuarantineRecord[] = [],
  countedLeft: ReadonlyMap<string, number> = new Map(),
): TrafficView {
  const inWindow = rows.filter((row) => row.hour >= window.fromHour && row.hour <= window.toHour);
  const hours: HourTotal[] = [];
  for (let hour = window.fromHour; hour <= window.toHour; hour++) hours.push({ hour, votes: 0, refused: 0 });
  const perNetwork = new Map<string, { votes: number; refused: number; rows: PrefixHour[] }>();
  for (const row of inWindow) {
    const total = hours[row.hour - window.fromHour]!;
    total.votes += row.votes;
    total.refused += row.refused;
    const network =
      perNetwork.get(row.prefixKey) ??
      perNetwork.set(row.prefixKey, { votes: 0, refused: 0, rows: [] }).get(row.prefixKey)!;
    network.votes += row.votes;
    network.refused += row.refused;
    network.rows.push(row);
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
    votes: counts.votes,
    refused: counts.refused,
    share: share(counts.votes),
  }));
  const rest = ranked.slice(TOP_NETWORKS);
  const restVotes = rest.reduce((sum, [, counts]) => sum + counts.votes, 0);
  const otherNetworks = rest.length > 0 ? { count: rest.length, votes: restVotes, share: share(restVotes) } : null;
  const usualRate = median(hours.filter((h) => h.votes > 0).map((h) => h.votes));

  const bursts: Burst[] = [];
  for (const [prefixKey, network] of perNetwork) {
    const othersVotes = totalVotes - network.votes;
    const hasYardstick = othersVotes >= YARDSTICK_MIN_VOTES;
    const sorted = [...network.rows].sort((a, b) => a.hour - b.hour);
    // The others' usual busy hour: only worth computing for a network with an hour big enough to flag.
    const othersRate =
      hasYardstick && sorted.some((row) => row.votes >= BURST_MIN_VOTES)
        ? (() => {
            const own = new Map(sorted.map((row) => [row.hour, row.votes]));
            return median(hours.map((h) => h.votes - (own.get(h.hour) ?? 0)).filter((votes) => votes > 0));
          })()
        : 0;
    const reasonsOf = (row: PrefixHour): BurstReason[] => [
      ...(row.refused > 0 ? (['over_budget'] as const) : []),
      ...(hasYardstick && row.votes >= BURST_MIN_VOTES && row.votes >= BURST_RATE_FACTOR * othersRate
        ? (['above_usual'] as const)
        : []),
    ];
    const burstOf = (fromHour: number, reasons: BurstReason[], row: PrefixHour): Burst => ({
      label: labels.get(prefixKey)!,
      ref: networkRef(prefixKey),
      prefixKey,
      fromHour,
      toHour: row.hour + 1,
      votes: row.votes,
      refused: row.refused,
      reasons: [...reasons],
      usualRate: othersRate,
      share: share(network.votes),
      coveredBy: null,
      countedLeft: 0,
      heldBy: null,
    });
    // Flagged hours of this network, merged when adjacent.
    const own: Burst[] = [];
    for (const row of sorted) {
      const reasons = reasonsOf(row);
      if (reasons.length === 0) continue;
      const last = own.at(-1);
      if (last && last.toHour === row.hour) {
        last.toHour += 1;
        last.votes += row.votes;
        last.refused += row.refused;
        for (const reason of reasons) if (!last.reasons.includes(reason)) last.reasons.push(reason);
      } else own.push(burstOf(row.hour, reasons, row));
    }
    const dominant =
      hasYardstick &&
      network.votes >= DOMINANT_MIN_VOTES &&
      share(network.votes) >= DOMINANT_SHARE &&
      perNetwork.size - 1 >= DOMINANT_MIN_OTHERS;
    if (dominant) {
      // The network's whole span in the window, so one button takes all of it; a flagged burst
      // with the very same hours just gains the reason instead of being listed twice.
      const fromHour = sorted[0]!.hour;
      const toHour = sorted.at(-1)!.hour + 1;
      const same = own.find((burst) => burst.fromHour === fromHour && burst.toHour === toHour);
      if (same) same.reasons.push('dominant');
      else
        own.push({
          ...burstOf(fromHour, ['dominant'], sorted.at(-1)!),
          votes: network.votes,
          refused: network.refused,
        });
    }
    bursts.push(...own);
  }
  for (const burst of bursts) {
    const covering = quarantines.find(
      (q) =>
        q.restoredAt === null &&
        q.prefixKey === burst.prefixKey &&
        q.fromAt <= burst.fromHour * HOUR_MS &&
        q.toAt >= burst.toHour * HOUR_MS,
    );
    burst.coveredBy = covering?.id ?? null;
    burst.countedLeft = covering ? (countedLeft.get(burstKey(burst)) ?? 0) : 0;
    // Held only while none of its votes is counted: new votes of the network in the same hours
    // (cast after the quarantine) leave it open, with a button for them.
    burst.heldBy = covering && burst.countedLeft === 0 ? covering.id : null;
  }
  bursts.sort((a, b) => b.fromHour - a.fromHour || b.votes - a.votes || (a.prefixKey < b.prefixKey ? -1 : 1));
  return { hours, totalVotes, totalRefused, usualRate, networks, otherNetworks, bursts, labels };
}

/** The digest a form's network ref names among these tallies' networks, or null. */
export function digestOfRef(rows: readonly PrefixHour[], ref: string): string | null {
  return rows.find((row) => networkRef(row.prefixKey) === ref)?.prefixKey ?? null;
}
