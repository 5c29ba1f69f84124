/** Poll use cases: read public polls, and the owner's create / edit / delete. */
import { PollError } from './errors';
import { kebabCase, slugFromQuestion } from './keys';
import { MAX_SLUG_LENGTH } from './limits';
import {
  checkSchedule,
  effectiveStatus,
  isPublic,
  normaliseOptions,
  resolveChoiceCounts,
  toEpoch,
} from './poll-rules';
import { describeIssue, pollInputSchema, pollPatchSchema } from './schemas';
import type { PollStore } from './store';
import type { NewOption, Poll, PollFields, PollRecord, PollSummary } from './types';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The contract's Poll JSON. */
export function toPollJson(poll: PollRecord, now: number): Poll {
  return {
    slug: poll.slug,
    question: poll.question,
    description: poll.description,
    type: poll.type,
    minChoices: poll.minChoices,
    maxChoices: poll.maxChoices,
    status: effectiveStatus(poll, now),
    opensAt: iso(poll.opensAt),
    closesAt: iso(poll.closesAt),
    resultsVisibility: poll.resultsVisibility,
    duplicatePolicy: poll.duplicatePolicy,
    options: poll.options.map(({ key, label }) => ({ key, label })),
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

/** Every poll, drafts included, newest first — for the owner. */
export async function listAllPolls(store: PollStore): Promise<PollRecord[]> {
  return (await store.listPolls()).sort(newestFirst);
}

/** Public polls (open and closed, not drafts or scheduled), newest first. */
export async function listPublicPollsNewestFirst(store: PollStore, now: number): Promise<PollRecord[]> {
  const { open, closed } = await listPublicPolls(store, now);
  return [...open, ...closed].sort(newestFirst);
}

/** Open polls newest first, then closed ones, most recently closed first. */
export async function listPublicPolls(store: PollStore, now: number): Promise<{ open: PollRecord[]; closed: PollRecord[] }> {
  const all = await store.listPolls();
  const closedAt = (poll: PollRecord) => Math.min(poll.closesAt ?? poll.updatedAt, poll.updatedAt, now);
  return {
    open: all.filter((poll) => effectiveStatus(poll, now) === 'open').sort(newestFirst),
    closed: all
      .filter((poll) => effectiveStatus(poll, now) === 'closed')
      .sort((a, b) => closedAt(b) - closedAt(a) || newestFirst(a, b)),
  };
}

/** A poll any visitor may open (not a draft), or poll_not_found. */
export async function getPublicPoll(store: PollStore, slug: string): Promise<PollRecord> {
  const poll = await store.findPoll(slug);
  if (!poll || !isPublic(poll.status)) throw notFound(slug);
  return poll;
}

/** Any poll, drafts included — for the owner. */
export async function getPollForOwner(store: PollStore, slug: string): Promise<PollRecord> {
  const poll = await store.findPoll(slug);
  if (!poll) throw notFound(slug);
  return poll;
}

/** Validates a PollInput (unknown JSON or form data) and creates the poll. */
export async function createPoll(store: PollStore, body: unknown, now: number): Promise<PollRecord> {
  const parsed = pollInputSchema.safeParse(body);
  if (!parsed.success) throw new PollError('invalid_poll', describeIssue(parsed.error));
  const input = parsed.data;
  const options = normaliseOptions(input.options);
  const opensAt = toEpoch(input.opensAt);
  const closesAt = toEpoch(input.closesAt);
  checkSchedule(opensAt, closesAt);
  const fields: Omit<PollFields, 'slug'> = {
    question: input.question,
    description: input.description,
    type: input.type,
    ...resolveChoiceCounts(input.type, options.length, input.minChoices, input.maxChoices),
    // "scheduled" is not stored: an open poll whose opensAt is ahead *is* scheduled.
    status: input.status ?? 'open',
    opensAt,
    closesAt,
    resultsVisibility: input.resultsVisibility,
    duplicatePolicy: input.duplicatePolicy,
  };
  if (input.slug) {
    const created = await store.createPoll({ ...fields, slug: input.slug }, options, now);
    if (created === 'slug_taken') throw new PollError('slug_taken', `The slug "${input.slug}" is already used by another poll.`);
    return created;
  }
  // A derived slug gets a numeric suffix instead of a clash; retry covers a concurrent create.
  for (let attempt = 0; attempt < 5; attempt++) {
    const slug = await freeSlug(store, slugFromQuestion(input.question));
    const created = await store.createPoll({ ...fields, slug }, options, now);
    if (created !== 'slug_taken') return created;
  }
  throw new PollError('slug_taken', 'Could not find a free slug for this question; give one explicitly.');
}

async function freeSlug(store: PollStore, base: string): Promise<string> {
  if (!(await store.slugExists(base))) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = kebabCase(base.slice(0, MAX_SLUG_LENGTH - suffix.length), MAX_SLUG_LENGTH) + suffix;
    if (!(await store.slugExists(candidate))) return candidate;
  }
}

/** Applies a PollPatch: text, schedule, status; structure (options, type, choice counts) only without votes. */
export async function updatePoll(store: PollStore, slug: string, body: unknown, now: number): Promise<PollRecord> {
  const parsed = pollPatchSchema.safeParse(body);
  if (!parsed.success) throw new PollError('invalid_poll', describeIssue(parsed.error));
  const patch = parsed.data;
  const current = await getPollForOwner(store, slug);

  const options = patch.options ? normaliseOptions(patch.options) : undefined;
  const optionsChanged = options !== undefined && !sameOptions(options, current.options);
  const type = patch.type ?? current.type;
  const structural = optionsChanged || type !== current.type || patch.minChoices !== undefined || patch.maxChoices !== undefined;
  const counts = structural
    ? resolveChoiceCounts(type, (options ?? current.options).length, patch.minChoices, patch.maxChoices)
    : { minChoices: current.minChoices, maxChoices: current.maxChoices };
  const countsChanged = counts.minChoices !== current.minChoices || counts.maxChoices !== current.maxChoices;

  const fields: Partial<PollFields> = {
    question: patch.question,
    description: patch.description,
    type,
    ...counts,
    resultsVisibility: patch.resultsVisibility,
    duplicatePolicy: patch.duplicatePolicy,
    ...scheduleAfterPatch(current, patch, now),
  };
  const result = await store.updatePoll(current.id, withoutUndefined(fields), {
    options: optionsChanged ? options : undefined,
    requireNoVotes: type !== current.type || countsChanged,
    now,
  });
  if (result === 'not_found') throw notFound(slug);
  if (result === 'has_votes') {
    throw new PollError('poll_has_votes', 'Options, type and choice counts can change only while the poll has no votes.');
  }
  return result;
}

/**
 * Status and schedule after a patch. "open" means open now (a future opensAt is pulled to now,
 * a passed closesAt is cleared); "closed" means closed now; "scheduled" needs a future opensAt.
 */
function scheduleAfterPatch(
  current: PollRecord,
  patch: { status?: string; opensAt?: string | null; closesAt?: string | null },
  now: number,
): Pick<PollFields, 'status' | 'opensAt' | 'closesAt'> {
  let opensAt = patch.opensAt !== undefined ? toEpoch(patch.opensAt) : current.opensAt;
  let closesAt = patch.closesAt !== undefined ? toEpoch(patch.closesAt) : current.closesAt;
  let status = current.status;
  switch (patch.status) {
    case 'draft':
      status = 'draft';
      break;
    case 'open':
      status = 'open';
      if (opensAt !== null && opensAt > now) opensAt = now;
      if (patch.closesAt === undefined && closesAt !== null && closesAt <= now) closesAt = null;
      break;
    case 'closed':
      status = 'closed';
      if (closesAt === null || closesAt > now) closesAt = now;
      break;
    case 'scheduled':
      if (opensAt === null || opensAt <= now) {
        throw new PollError('invalid_poll', 'opensAt: a scheduled poll needs an opening time in the future.');
      }
      status = 'open';
      break;
  }
  checkSchedule(opensAt, closesAt);
  return { status, opensAt, closesAt };
}

export async function deletePoll(store: PollStore, slug: string): Promise<void> {
  const poll = await getPollForOwner(store, slug);
  await store.deletePoll(poll.id);
}

function sameOptions(next: NewOption[], current: readonly NewOption[]): boolean {
  return next.length === current.length && next.every((o, i) => o.key === current[i]!.key && o.label === current[i]!.label);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function notFound(slug: string): PollError {
  return new PollError('poll_not_found', `There is no poll "${slug.slice(0, 80)}".`);
}
