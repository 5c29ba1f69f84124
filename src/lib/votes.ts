/** The vote use case: check the poll and the ballot, apply the duplicate policy, record. */
import { PollError } from './errors';
import { getPublicPoll } from './polls';
import { parseProfile, type SignOnProfile } from './profile';
import { ballotOptionIds, effectiveStatus } from './poll-rules';
import { describeIssue, voteInputSchema } from './schemas';
import { voteRules, type PollStore } from './store';
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
 * The device id a signed-in person's vote is stored under on a `person` poll or survey (the vote's
 * per-poll device key, deviceKeyFor): the same on every browser, so "you have voted" and "Your
 * choice" follow the person rather than the cookie. Only ever an input of the per-poll HMAC — never
 * a cookie, a widget token or a lock of another policy. It cannot equal a browser's device id
 * (22 base64url characters, no colon).
 */
export const personDeviceId = (personId: string): string => `person:${personId}`;

/**
 * The device id a voter's ballot is stored under: on a `person` poll or survey the signed-in
 * person's (personDeviceId), on every other policy the browser's own. A person id never keys a
 * vote of another policy: there it would make a browser-level vote findable by person.
 */
export function storedDeviceId(policy: DuplicatePolicy, voter: Pick<Voter, 'deviceId' | 'personId'>): string {
  return policy === 'person' && voter.personId ? personDeviceId(voter.personId) : voter.deviceId;
}

/** Who is looking at a poll or survey: the device ids the browser's cookies prove, and the signed-in person, if any. */
export interface Visitor {
  deviceIds: readonly string[];
  /** The user id a believed sign-on names (src/http/person.ts); null without one. */
  personId: string | null;
}

/** A visitor, or (where no sign-on can matter) just the browser's device ids. */
export type VisitorIds = Visitor | string | readonly string[] | null;

/**
 * The device ids a visitor's vote may be stored under in a poll or survey of this policy: the
 * browser's, and on a `person` one the person's (see storedDeviceId) — so a colleague who voted on
 * the laptop is recognised on the phone. Never the person's on another policy.
 */
export function visitorDeviceIds(policy: DuplicatePolicy, visitor: VisitorIds): string[] {
  if (visitor === null) return [];
  if (typeof visitor === 'string') return [visitor];
  if (!('deviceIds' in visitor)) return [...visitor];
  const person = policy === 'person' && visitor.personId ? [personDeviceId(visitor.personId)] : [];
  return [...visitor.deviceIds, ...person];
}

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
    const deviceKey = deviceKeyFor(secret, poll.id, storedDeviceId(poll.duplicatePolicy, voter));
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
      createdAt: now,
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
    if (recorded.outcome === 'over_budget') throw overBudget(poll, recorded.retryAfterSeconds);
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
 * person poll the signed-in person (visitorDeviceIds).
 */
export async function hasVoted(
  store: PollStore,
  secret: string,
  poll: PollRecord,
  visitor: VisitorIds,
): Promise<boolean> {
  const ids = visitorDeviceIds(poll.duplicatePolicy, visitor);
  for (const id of ids) if (await store.hasDeviceVoted(poll.id, deviceKeyFor(secret, poll.id, id))) return true;
  return false;
}

/**
 * The options this visitor chose in the poll (its newest vote), or null when it has not voted.
 * Found through the per-poll device key already stored with the vote (on a person poll the
 * person's, see storedDeviceId), so marking "Your choice" needs nothing new stored and nothing
 * that links one poll's votes to another's.
 */
export async function ownChoices(
  store: PollStore,
  secret: string,
  poll: PollRecord,
  visitor: VisitorIds,
): Promise<string[] | null> {
  const ids = visitorDeviceIds(poll.duplicatePolicy, visitor);
  for (const id of ids) {
    const choices = await store.deviceVoteChoices(poll.id, deviceKeyFor(secret, poll.id, id));
    if (choices) return choices;
  }
  return null;
}
