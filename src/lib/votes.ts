/** The vote use case: check the poll and the ballot, apply the duplicate policy, record. */
import { PollError } from './errors';
import { getPublicPoll } from './polls';
import { parseProfile, type SignOnProfile } from './profile';
import { ballotOptionIds, effectiveStatus } from './poll-rules';
import { describeIssue, voteInputSchema } from './schemas';
import { HOUR_MS, secondsToHourEnd, voteRules, type PollStore } from './store';
import type { SurveyStore } from './survey-types';
import type { DuplicatePolicy, PollRecord, VoteSource } from './types';
import { addressKeyFor, deviceKeyFor, networkKeyFor, personKeyFor, prefixKeyFor } from './voter';
import { addressIdentity, networkPrefix } from './address-prefix';
import { parseWriteIn } from './write-in';

export interface Voter {
  /** The browser's device id from its signed cookie (a new one when it had none). */
  deviceId: string;
  /**
   * Other device ids the same request proves (the widget's and the site's cookie can differ, and
   * a widget form carries a token): under a device policy each is locked too, so one browser
   * cannot vote once per cookie.
   */
  otherDeviceIds?: readonly string[];
  /** The client's address (see src/http/client-address.ts); used only inside the network HMAC. */
  address: string;
  userAgent: string;
  /**
   * The signed-in user the authenticating proxy named (AUTH_USER_HEADER), read only from a
   * trusted proxy; null or absent when there is none. Used only inside the per-poll person HMAC.
   */
  personId?: string | null;
  /** Profile answers the sign-on states (AUTH_ATTRIBUTE_HEADERS); they replace the ballot's own. */
  signOn?: SignOnProfile | null;
}

/**
 * 401 for a `person` poll or survey when no trusted sign-on names the voter: checked before the
 * ballot, so the answer says what is missing rather than what else might be wrong.
 */
export function requirePerson(policy: DuplicatePolicy, voter: Pick<Voter, 'personId'>, noun = 'poll'): void {
  if (policy === 'person' && !voter.personId) {
    throw new PollError(
      'unauthorized',
      `This ${noun} counts one vote per signed-in person: sign in through your intranet and open it from there.`,
    );
  }
}

/**
 * When a vote of this policy is stored as cast: on a `person` poll or survey floored to the UTC
 * hour, since the authenticating proxy's logs hold each user's request times and a vote stored to
 * the minute could be matched against them. Trends per day and the hourly traffic view are kept.
 */
export const storedVoteTime = (policy: DuplicatePolicy, now: number): number =>
  policy === 'person' ? now - (now % HOUR_MS) : now;

/** Who is looking at a poll or survey: the device ids the browser's cookies prove, and the signed-in person, if any. */
export interface Visitor {
  deviceIds: readonly string[];
  /** The user id a believed sign-on names (src/http/person.ts); null without one. */
  personId: string | null;
}

/** A visitor, or (where no sign-on can matter) just the browser's device ids. */
export type VisitorIds = Visitor | string | readonly string[] | null;

/**
 * The browser's device ids of a visitor. A person id is never one of them: votes are stored under
 * the browser's random device key on every policy, and on a `person` poll the person is only a
 * lock that names no vote (visitorPersonId) — so nothing leads from a person to a ballot.
 */
export function visitorDeviceIds(visitor: VisitorIds): readonly string[] {
  if (visitor === null) return [];
  if (typeof visitor === 'string') return [visitor];
  if (!('deviceIds' in visitor)) return visitor;
  return visitor.deviceIds;
}

/** The signed-in person of a visitor on a `person` poll or survey, else null. */
export const visitorPersonId = (policy: DuplicatePolicy, visitor: VisitorIds): string | null =>
  policy === 'person' && visitor !== null && typeof visitor === 'object' && 'personId' in visitor
    ? visitor.personId
    : null;

export interface VoteContext {
  store: PollStore;
  /** Finds the survey of a question poll, to name it when the question is voted on directly. */
  surveyStore?: Pick<SurveyStore, 'surveyOfPoll'>;
  secret: string;
  now: number;
}

/**
 * The identities a policy locks for a vote; the vote is refused when any of them is already
 * locked for the poll (a primary key in the same transaction, not a check-then-insert).
 */
export function lockKeysFor(
  policy: DuplicatePolicy,
  deviceKeys: readonly string[],
  networkKey: string,
  personKey: string | null = null,
): string[] {
  const devices = [...new Set(deviceKeys)].map((key) => `d:${key}`);
  const network = `n:${networkKey}`;
  switch (policy) {
    case 'person':
      // Callers refuse a person-policy vote without a person (401) before they get here.
      if (personKey === null) throw new PollError('unauthorized', 'This poll counts one vote per signed-in person.');
      return [`p:${personKey}`];
    case 'none':
      return [];
    case 'device':
      return devices;
    case 'network':
      return [network];
    case 'device_or_network':
      return [...devices, network];
  }
}

const DUPLICATE_MESSAGES: Record<DuplicatePolicy, string> = {
  none: 'You have already voted in this poll.',
  device: 'You have already voted in this poll.',
  network: 'A vote from your network and browser was already counted in this poll.',
  device_or_network: 'You have already voted in this poll (from this browser or network).',
  person: 'You have already voted in this poll (one vote per signed-in person).',
};

/**
 * Validates and records one ballot and returns the poll as the vote left it (fresh tallies).
 * Throws PollError for every refusal; stores nothing then.
 */
export async function castVote(
  { store, surveyStore, secret, now }: VoteContext,
  slug: string,
  body: unknown,
  voter: Voter,
  source: VoteSource,
): Promise<PollRecord> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const poll = await getPublicPoll(store, slug);
    if (poll.surveyId !== null) throw await answeredThroughSurvey(surveyStore, poll);
    const status = effectiveStatus(poll, now);
    if (status === 'closed') throw new PollError('poll_closed', 'This poll is closed; it no longer takes votes.');
    if (status !== 'open') throw new PollError('poll_not_open', 'This poll is not open for voting yet.');
    requirePerson(poll.duplicatePolicy, voter);
    const parsed = voteInputSchema.safeParse(body);
    if (!parsed.success)
      throw new PollError(
        'invalid_body',
        `The vote must be { "choices": [option keys], "profile"?: { dimension: value }, "other"?: text } — ${describeIssue(parsed.error)}`,
      );
    const writeIn = parseWriteIn(poll, parsed.data.choices, parsed.data.other);
    const chosen = ballotOptionIds(poll, writeIn.choices);
    // A ranked ballot counts its first choice in the option, segment and day tallies; its
    // whole order goes to the ranking tallies the runoff reads.
    const ranking = poll.type === 'ranked' ? chosen : null;
    const optionIds = ranking ? chosen.slice(0, 1) : chosen;
    const profile = parseProfile(poll.profile, parsed.data.profile, voter.signOn ?? null);
    const deviceKey = deviceKeyFor(secret, poll.id, voter.deviceId);
    const otherDeviceKeys = (voter.otherDeviceIds ?? []).map((id) => deviceKeyFor(secret, poll.id, id));
    const networkKey =
      poll.networkIdentity === 'address'
        ? addressKeyFor(secret, poll.id, addressIdentity(voter.address))
        : networkKeyFor(secret, poll.id, voter.address, voter.userAgent);
    const personKey = voter.personId ? personKeyFor(secret, poll.id, voter.personId) : null;
    const prefix = networkPrefix(voter.address, poll.addressBudget?.ipv6Prefix ?? 64);
    const recorded = await store.recordVote({
      pollId: poll.id,
      optionIds,
      createdAt: storedVoteTime(poll.duplicatePolicy, now),
      source,
      deviceKey,
      lockKeys: lockKeysFor(poll.duplicatePolicy, [deviceKey, ...otherDeviceKeys], networkKey, personKey),
      prefixKey: prefix === null ? null : prefixKeyFor(secret, poll.id, prefix),
      profile,
      ranking,
      otherText: writeIn.text,
      checkedAgainst: voteRules(poll),
    });
    if (recorded.outcome === 'duplicate') {
      throw new PollError('already_voted', DUPLICATE_MESSAGES[poll.duplicatePolicy]);
    }
    // (From now: a person poll's vote time was floored to the hour.)
    if (recorded.outcome === 'over_budget') throw overBudget(poll, secondsToHourEnd(now));
    if (recorded.outcome === 'recorded') return recorded.poll;
    // 'stale_options': the options or rules were edited between reading and writing; check the ballot again.
  }
  throw new PollError('invalid_choice', 'The options of this poll changed while you voted; please vote again.');
}

/** 429 for a vote beyond the poll's address budget: what happened, and when votes from here count again. */
function overBudget(poll: PollRecord, retryAfterSeconds: number): PollError {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const perHour = poll.addressBudget?.votesPerHour;
  const limit = perHour === undefined ? 'only so many votes' : `at most ${perHour} ${perHour === 1 ? 'vote' : 'votes'}`;
  return new PollError(
    'rate_limited',
    `This poll accepts ${limit} an hour from one network, and yours has reached that; try again in ${minutes === 1 ? 'a minute' : `${minutes} minutes`}.`,
    undefined,
    { retryAfterSeconds },
  );
}

/** A survey's question is answered only on its survey's page (its duplicate policy and pages are the survey's). */
async function answeredThroughSurvey(surveyStore: VoteContext['surveyStore'], poll: PollRecord): Promise<PollError> {
  const survey = await surveyStore?.surveyOfPoll(poll.id);
  const where = survey
    ? `the survey “${survey.title}”; answer it at /surveys/${survey.slug}`
    : 'a survey; answer it there';
  return new PollError('poll_not_open', `This question is part of ${where}.`);
}

/**
 * Whether this visitor has a vote in the poll: any of the device ids its request proves, or on a
 * person poll the signed-in person's lock (which says that they voted, never how).
 */
export async function hasVoted(
  store: PollStore,
  secret: string,
  poll: PollRecord,
  visitor: VisitorIds,
): Promise<boolean> {
  return (await ownChoices(store, secret, poll, visitor)) !== null;
}

/**
 * The options this browser chose in the poll (its newest vote), or null when the visitor has not
 * voted. Found through the per-poll device key already stored with the vote, so marking "Your
 * choice" needs nothing new stored and nothing that links one poll's votes to another's.
 *
 * On a person poll with a signed-in visitor the person decides: their lock (which names no vote)
 * says whether they voted — on another browser they get [] (voted, choice not known here), and a
 * browser someone else voted on does not lend them that vote.
 */
export async function ownChoices(
  store: PollStore,
  secret: string,
  poll: PollRecord,
  visitor: VisitorIds,
): Promise<string[] | null> {
  const personId = visitorPersonId(poll.duplicatePolicy, visitor);
  if (personId !== null && !(await store.hasPersonLock(poll.id, `p:${personKeyFor(secret, poll.id, personId)}`)))
    return null;
  for (const id of visitorDeviceIds(visitor)) {
    const choices = await store.deviceVoteChoices(poll.id, deviceKeyFor(secret, poll.id, id));
    if (choices) return choices;
  }
  return personId !== null ? [] : null;
}
