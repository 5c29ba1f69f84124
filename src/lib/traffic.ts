/**
 * The admin poll page's Traffic section (issue 16): its view (votes per hour, networks, flagged
 * bursts, quarantines) and the owner's two actions, quarantine a flagged burst and restore a
 * quarantine, each parsed from the form, written with its audit row, and refused with a
 * PollError when there is nothing to do.
 */
import { z } from 'astro/zod';
import { PollError } from './errors';
import { dateTime } from './format';
import { HOUR_MS, type PollStore, type QuarantineRecord } from './store';
import { analyseTraffic, burstKey, digestOfRef, hasOlderHours, trafficWindow, type TrafficView } from './stuffing';
import type { PollRecord } from './types';

export interface QuarantineView extends Omit<QuarantineRecord, 'prefixKey'> {
  /** The network's label in the current window, or "a network" when it no longer has votes there. */
  label: string;
}

export interface PollTraffic {
  window: { fromHour: number; toHour: number };
  view: TrafficView;
  active: QuarantineView[];
  restored: QuarantineView[];
  /** Survey questions cannot be quarantined (their answers are withdrawn and replaced by resubmission). */
  canQuarantine: boolean;
  /** Whether the view covers every hour (`?traffic=all`) rather than the default last hours. */
  all: boolean;
  /** Whether the poll has hours before the default window (the page then links to every hour). */
  olderHours: boolean;
}

/**
 * Everything the Traffic section shows: the tallies and quarantines in two store calls, then,
 * for each flagged burst an active quarantine covers, its votes still counted (cast after the
 * quarantine) from the vote log by the (poll, prefix, time) index.
 */
export async function pollTraffic(store: PollStore, poll: PollRecord, now: number, all = false): Promise<PollTraffic> {
  const window = trafficWindow(poll, now, all);
  const [rows, quarantines] = await Promise.all([
    store.trafficOf(poll.id, window.fromHour, window.toHour),
    store.quarantinesOf(poll.id),
  ]);
  const first = analyseTraffic(rows, window, quarantines);
  const covered = first.bursts.filter((burst) => burst.coveredBy !== null);
  const counts = await Promise.all(
    covered.map((burst) =>
      store.countedVotesIn(poll.id, burst.prefixKey, burst.fromHour * HOUR_MS, burst.toHour * HOUR_MS),
    ),
  );
  const view =
    covered.length === 0
      ? first
      : analyseTraffic(rows, window, quarantines, new Map(covered.map((burst, i) => [burstKey(burst), counts[i]!])));
  // The digest stays here: the views carry the label only.
  const shown = quarantines.map(({ prefixKey, ...rest }) => ({
    ...rest,
    label: view.labels.get(prefixKey) ?? 'a network',
  }));
  return {
    window,
    view,
    active: shown.filter((q) => q.restoredAt === null),
    restored: shown.filter((q) => q.restoredAt !== null),
    canQuarantine: poll.surveyId === null,
    all,
    olderHours: hasOlderHours(poll, now),
  };
}

/**
 * A burst's hours for the page and the audit row: "1 Jun 2026, 08:00–10:00 UTC" within one UTC
 * day (its end may be 24:00), both instants in full across days.
 */
export function hoursText(fromAt: number, toAt: number): string {
  const day = (at: number) => new Date(at).toISOString().slice(0, 10);
  if (toAt <= fromAt || day(fromAt) !== day(toAt - 1)) return `${dateTime(fromAt)} – ${dateTime(toAt)}`;
  const end = day(toAt) === day(fromAt) ? new Date(toAt).toISOString().slice(11, 16) : '24:00';
  return `${dateTime(fromAt).replace(/ UTC$/, '')}–${end} UTC`;
}

/** The form "field" a refusal names, so the page shows it in the Traffic section, not the editor. */
export const TRAFFIC_FIELD = 'traffic';

const hourField = z.coerce.number().int().min(0).max(1e7);
const quarantineForm = z.object({
  network: z.string().min(1).max(64),
  from: hourField,
  to: hourField,
});

/**
 * Quarantines the burst a form names (network ref, first hour, hour after the last): the network
 * is mapped back from the tallies of those hours, so a stale page can only name a network that
 * really voted then. Refused: a malformed form (400), no such network or no counted vote left in
 * the range (404, nothing written), a survey question (400).
 */
export async function quarantineFromForm(
  store: PollStore,
  poll: PollRecord,
  form: URLSearchParams,
  now: number,
  actor: string,
  /** The page showed every hour: the audit names the network by that view's label. */
  all = false,
): Promise<QuarantineRecord> {
  const parsed = quarantineForm.safeParse(Object.fromEntries(form));
  if (!parsed.success || parsed.data.to <= parsed.data.from || parsed.data.to - parsed.data.from > 24 * 366)
    throw new PollError(
      'invalid_body',
      'The quarantine form names no burst (network, from and to hours).',
      TRAFFIC_FIELD,
    );
  const { network, from, to } = parsed.data;
  const rows = await store.trafficOf(poll.id, from, to - 1);
  const prefixKey = digestOfRef(rows, network);
  if (!prefixKey)
    throw new PollError(
      'not_found',
      'That network cast no votes in those hours: nothing to quarantine.',
      TRAFFIC_FIELD,
    );
  const window = trafficWindow(poll, now, all);
  const label = analyseTraffic(await store.trafficOf(poll.id, window.fromHour, window.toHour), window).labels.get(
    prefixKey,
  );
  const fromAt = from * HOUR_MS;
  const toAt = to * HOUR_MS;
  const outcome = await store.quarantineBurst(poll.id, prefixKey, fromAt, toAt, now, {
    actor,
    action: 'quarantine',
    details: `${label ?? 'A network'}, ${hoursText(fromAt, toAt)}`,
  });
  switch (outcome.outcome) {
    case 'done':
      return outcome.quarantine;
    case 'empty':
      throw new PollError(
        'not_found',
        'No counted votes of that network are left in those hours (already quarantined?): nothing to quarantine.',
        TRAFFIC_FIELD,
      );
    case 'survey_question':
      throw new PollError('invalid_body', 'A survey question’s answers cannot be quarantined.', TRAFFIC_FIELD);
    default:
      throw new PollError('poll_not_found', 'Poll not found.', TRAFFIC_FIELD);
  }
}

const restoreForm = z.object({ quarantine: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** Restores the quarantine a form names; 404 when the poll has no such active quarantine. */
export async function restoreFromForm(
  store: PollStore,
  poll: PollRecord,
  form: URLSearchParams,
  now: number,
  actor: string,
): Promise<QuarantineRecord> {
  const parsed = restoreForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) throw new PollError('invalid_body', 'The restore form names no quarantine.', TRAFFIC_FIELD);
  const outcome = await store.restoreQuarantine(poll.id, parsed.data.quarantine, now, {
    actor,
    action: 'restore',
    details: `Quarantine ${parsed.data.quarantine}`,
  });
  if (outcome.outcome !== 'done')
    throw new PollError('not_found', 'This poll has no such quarantine in force (restored already?).', TRAFFIC_FIELD);
  return outcome.quarantine;
}
