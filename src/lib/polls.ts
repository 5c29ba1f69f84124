/** Reading polls: lists, lookups and the contract's JSON shapes. Owner changes live in poll-admin.ts. */
import { PollError } from './errors';
import { effectiveStatus, isPublic } from './poll-rules';
import type { PollStore } from './store';
import type { Poll, PollRecord, PollSummary } from './types';

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The contract's Poll JSON. */
export function toPollJson(poll: PollRecord, now: number): Poll {
  return {
    slug: poll.slug,
    question: poll.question,
    description: poll.description,
    type: poll.type,
    scale: poll.scale,
    minChoices: poll.minChoices,
    maxChoices: poll.maxChoices,
    status: effectiveStatus(poll, now),
    opensAt: iso(poll.opensAt),
    closesAt: iso(poll.closesAt),
    resultsVisibility: poll.resultsVisibility,
    duplicatePolicy: poll.duplicatePolicy,
    profile: poll.profile,
    allowOther: poll.allowOther,
    options: poll.options
      .filter((option) => !option.other)
      .map(({ key, label, exclusive, range, value }) => ({
        key,
        label,
        exclusive,
        ...(range && poll.scale === 'ordinal' ? { range } : {}),
        ...(value !== null && poll.type === 'rating' ? { value } : {}),
      })),
  };
}

/**
 * The owner's JSON of a poll (the admin API): the public shape, the protections only the owner
 * sets and sees (network identity, address budget, embedding sites), and its respondents.
 */
export type OwnerPoll = Poll &
  Pick<PollRecord, 'networkIdentity' | 'addressBudget' | 'embedOrigins'> & { totalResponses: number };

export function toOwnerPollJson(poll: PollRecord, now: number): OwnerPoll {
  return {
    ...toPollJson(poll, now),
    networkIdentity: poll.networkIdentity,
    addressBudget: poll.addressBudget,
    embedOrigins: poll.embedOrigins,
    totalResponses: poll.responseCount,
  };
}

export function toPollSummary(poll: PollRecord, now: number): PollSummary {
  return {
    slug: poll.slug,
    question: poll.question,
    type: poll.type,
    status: effectiveStatus(poll, now),
    opensAt: iso(poll.opensAt),
    closesAt: iso(poll.closesAt),
    totalResponses: poll.responseCount,
    createdAt: new Date(poll.createdAt).toISOString(),
  };
}

const newestFirst = (a: PollRecord, b: PollRecord) => b.createdAt - a.createdAt || b.id - a.id;

/**
 * Stand-alone polls: a survey's questions are listed as their survey, never on their own (they
 * are answered only through it).
 */
export async function standAlonePolls(store: PollStore): Promise<PollRecord[]> {
  return (await store.listPolls()).filter((poll) => poll.surveyId === null);
}

/** Every stand-alone poll, drafts included, newest first — for the owner. */
export async function listAllPolls(store: PollStore): Promise<PollRecord[]> {
  return (await standAlonePolls(store)).sort(newestFirst);
}

/** Public stand-alone polls (open and closed, not drafts or scheduled), newest first. */
export async function listPublicPollsNewestFirst(store: PollStore, now: number): Promise<PollRecord[]> {
  const { open, closed } = await listPublicPolls(store, now);
  return [...open, ...closed].sort(newestFirst);
}

/** Open polls newest first, then closed ones, most recently closed first. */
export async function listPublicPolls(
  store: PollStore,
  now: number,
): Promise<{ open: PollRecord[]; closed: PollRecord[] }> {
  const all = await standAlonePolls(store);
  const closedAt = (poll: PollRecord) => Math.min(poll.closesAt ?? poll.updatedAt, poll.updatedAt, now);
  return {
    open: all.filter((poll) => effectiveStatus(poll, now) === 'open').sort(newestFirst),
    closed: all
      .filter((poll) => effectiveStatus(poll, now) === 'closed')
      .sort((a, b) => closedAt(b) - closedAt(a) || newestFirst(a, b)),
  };
}

/**
 * A poll any visitor may open (not a draft), or null when there is none. Only "not found" is
 * null: a failing database throws, so an outage never looks like a missing poll.
 */
export async function findPublicPoll(store: PollStore, slug: string): Promise<PollRecord | null> {
  const poll = await store.findPoll(slug);
  return poll && isPublic(poll.status) ? poll : null;
}

/** A poll any visitor may open, or poll_not_found (for the JSON API). */
export async function getPublicPoll(store: PollStore, slug: string): Promise<PollRecord> {
  const poll = await findPublicPoll(store, slug);
  if (!poll) throw notFound(slug);
  return poll;
}

/** Any poll, drafts included — for the owner; null only when there is none. */
export function findPollForOwner(store: PollStore, slug: string): Promise<PollRecord | null> {
  return store.findPoll(slug);
}

/** Any poll, drafts included — for the owner — or poll_not_found. */
export async function getPollForOwner(store: PollStore, slug: string): Promise<PollRecord> {
  const poll = await findPollForOwner(store, slug);
  if (!poll) throw notFound(slug);
  return poll;
}

export function notFound(slug: string): PollError {
  return new PollError('poll_not_found', `There is no poll "${slug.slice(0, 80)}".`);
}
