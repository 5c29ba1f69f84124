/** The vote use case: check the poll and the ballot, apply the duplicate policy, record. */
import { PollError } from './errors';
import { getPublicPoll } from './polls';
import { ballotOptionIds, effectiveStatus } from './poll-rules';
import { describeIssue, voteInputSchema } from './schemas';
import type { PollStore } from './store';
import type { DuplicatePolicy, PollRecord, VoteSource } from './types';
import { deviceKeyFor } from './voter';

export interface Voter {
  /** The browser's device id from its signed cookie (a new one when it had none). */
  deviceId: string;
}

export interface VoteContext {
  store: PollStore;
  secret: string;
  now: number;
}

/**
 * The identities a policy locks for a vote. `network` is accepted but not enforced yet: it
 * arrives with the network-identity work, and until then such polls count like `none`
 * (the results page says so).
 */
export function lockKeysFor(policy: DuplicatePolicy, deviceKey: string): string[] {
  return policy === 'device' || policy === 'device_or_network' ? [`d:${deviceKey}`] : [];
}

/** Whether a duplicate policy is fully enforced by this version. */
export function isPolicyEnforced(policy: DuplicatePolicy): boolean {
  return policy === 'none' || policy === 'device';
}

/** Validates and records one ballot. Throws PollError for every refusal; stores nothing then. */
export async function castVote(
  { store, secret, now }: VoteContext,
  slug: string,
  body: unknown,
  voter: Voter,
  source: VoteSource,
): Promise<PollRecord> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const poll = await getPublicPoll(store, slug);
    const status = effectiveStatus(poll, now);
    if (status === 'closed') throw new PollError('poll_closed', 'This poll is closed; it no longer takes votes.');
    if (status !== 'open') throw new PollError('poll_not_open', 'This poll is not open for voting yet.');
    const parsed = voteInputSchema.safeParse(body);
    if (!parsed.success) throw new PollError('invalid_body', `The vote must be { "choices": [option keys] } — ${describeIssue(parsed.error)}`);
    const optionIds = ballotOptionIds(poll, parsed.data.choices);
    const deviceKey = deviceKeyFor(secret, poll.id, voter.deviceId);
    const outcome = await store.recordVote({
      pollId: poll.id,
      optionIds,
      createdAt: now,
      source,
      deviceKey,
      lockKeys: lockKeysFor(poll.duplicatePolicy, deviceKey),
    });
    if (outcome === 'duplicate') throw new PollError('already_voted', 'You have already voted in this poll.');
    if (outcome === 'recorded') return poll;
    // 'stale_options': the options were edited between reading and writing; check the ballot again.
  }
  throw new PollError('invalid_choice', 'The options of this poll changed while you voted; please vote again.');
}

/** Whether this browser has a vote in the poll (for "results after vote"). */
export async function hasVoted(store: PollStore, secret: string, poll: PollRecord, deviceId: string | null): Promise<boolean> {
  return deviceId !== null && store.hasDeviceVoted(poll.id, deviceKeyFor(secret, poll.id, deviceId));
}
