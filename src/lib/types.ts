/** The domain's shapes: what the data layer stores and what the public contract returns. */
import type { Breakdown } from './breakdown';
import type { IrvResult } from './irv';
import type { OrdinalSummary } from './ordinal';
import type { ProfileDimension } from './profile';
import type { RatingSummary } from './rating';

/**
 * single: one option; multiple: several; ranked: an ordered list counted by instant runoff;
 * rating: one point of a numeric scale (1–5, 0–10), ordinal by nature.
 */
export const POLL_TYPES = ['single', 'multiple', 'ranked', 'rating'] as const;
export const STORED_STATUSES = ['draft', 'open', 'closed'] as const;
export const RESULTS_VISIBILITIES = ['always', 'after_vote', 'after_close'] as const;
export const DUPLICATE_POLICIES = ['none', 'device', 'network', 'device_or_network', 'person'] as const;
/**
 * What the `network` identity is made of: the client address and its User-Agent (the default:
 * colleagues behind one office address still count apart), or the address alone (a script that
 * rotates its User-Agent gets nothing from it).
 */
export const NETWORK_IDENTITIES = ['address_agent', 'address'] as const;
/** The IPv6 prefix an address budget counts under: a site (/48) or a subnet (/64). */
export const IPV6_BUDGET_PREFIXES = [48, 64] as const;
export const VOTE_SOURCES = ['web', 'api', 'embed', 'seed'] as const;
/** nominal: options in no order (tools, brands); ordinal: ordered buckets (< 10 %, 10–20 %, …). */
export const SCALES = ['nominal', 'ordinal'] as const;

export type PollType = (typeof POLL_TYPES)[number];
/** What the owner set. "scheduled" is derived from opensAt, and a passed closesAt closes. */
export type StoredStatus = (typeof STORED_STATUSES)[number];
export type PollStatus = 'draft' | 'scheduled' | 'open' | 'closed';
export type ResultsVisibility = (typeof RESULTS_VISIBILITIES)[number];
export type DuplicatePolicy = (typeof DUPLICATE_POLICIES)[number];
export type VoteSource = (typeof VOTE_SOURCES)[number];
export type NetworkIdentity = (typeof NETWORK_IDENTITIES)[number];
export type Ipv6BudgetPrefix = (typeof IPV6_BUDGET_PREFIXES)[number];

/**
 * A poll's address budget: at most `votesPerHour` accepted votes per network prefix (IPv4 /24,
 * IPv6 /48 or /64) per clock hour, counted in the vote's transaction under a per-poll keyed
 * digest of the prefix (never the prefix itself). null on a poll: no budget.
 */
export interface AddressBudget {
  votesPerHour: number;
  ipv6Prefix: Ipv6BudgetPrefix;
}
export type Scale = (typeof SCALES)[number];

/** The numbers an ordered option stands for, e.g. 10–20 (%); low < high. */
export interface OptionRange {
  low: number;
  high: number;
}

export interface OptionRecord {
  id: number;
  key: string;
  label: string;
  position: number;
  /** Cannot be combined with other options on a ballot ("None of these"). */
  exclusive: boolean;
  /** On an ordinal scale, the numbers the option stands for; null when it has none. */
  range: OptionRange | null;
  /** On a rating scale, the number the option stands for (1 … 5); null elsewhere. */
  value: number | null;
  /** The write-in option `other` ("Other") a poll with allowOther carries last. */
  other: boolean;
  /**
   * Tally kept in the vote's transaction: ballots that chose the option — on a ranked poll,
   * ballots that ranked it first (the first round), so breakdowns and trends read first choices.
   */
  votes: number;
}

/** The key and label of the write-in option of a poll with allowOther. */
export const OTHER_KEY = 'other';
export const OTHER_LABEL = 'Other';

/** Ballots that ranked the options in exactly this order (keys, most preferred first). */
export interface StoredRanking {
  ranking: string[];
  ballots: number;
}

/** A poll as stored, with its options in order and its tallies. Times in epoch milliseconds. */
export interface PollRecord {
  id: number;
  slug: string;
  question: string;
  description: string;
  type: PollType;
  scale: Scale;
  minChoices: number;
  maxChoices: number;
  status: StoredStatus;
  opensAt: number | null;
  closesAt: number | null;
  resultsVisibility: ResultsVisibility;
  duplicatePolicy: DuplicatePolicy;
  /** What the `network` identity is made of (address and User-Agent, or the address alone). */
  networkIdentity: NetworkIdentity;
  /** Accepted votes per network prefix per hour; null: no budget. */
  addressBudget: AddressBudget | null;
  /** Origins (or `https://*.example.com` patterns) that may frame this poll's widget, beyond the site's. */
  embedOrigins: string[];
  responseCount: number;
  duplicateCount: number;
  /** Tally: votes taken out of every public count after review (quarantined), kept in the quarantine's transaction. */
  quarantinedCount: number;
  /** The peer-profile dimensions the ballot asks (catalogue order); empty: none. */
  profile: ProfileDimension[];
  /** Single or multiple choice with a write-in "Other" (the option `other`, stored last). */
  allowOther: boolean;
  createdAt: number;
  updatedAt: number;
  options: OptionRecord[];
  /** The survey this poll is a question of (answered only through it); null: a stand-alone poll. */
  surveyId: number | null;
}

/** The fields a poll is created or edited with (no ids, no tallies). */
export type PollFields = Pick<
  PollRecord,
  | 'slug'
  | 'question'
  | 'description'
  | 'type'
  | 'scale'
  | 'minChoices'
  | 'maxChoices'
  | 'status'
  | 'opensAt'
  | 'closesAt'
  | 'resultsVisibility'
  | 'duplicatePolicy'
  | 'networkIdentity'
  | 'addressBudget'
  | 'embedOrigins'
  | 'profile'
  | 'allowOther'
>;

export interface NewOption {
  key: string;
  label: string;
  exclusive?: boolean;
  range?: OptionRange | null;
  value?: number | null;
  other?: boolean;
}

/** The public JSON shape of a poll (`GET /api/polls/{slug}`). */
export interface Poll {
  slug: string;
  question: string;
  description: string;
  type: PollType;
  scale: Scale;
  minChoices: number;
  maxChoices: number;
  status: PollStatus;
  opensAt: string | null;
  closesAt: string | null;
  resultsVisibility: ResultsVisibility;
  duplicatePolicy: DuplicatePolicy;
  /** The profile dimensions the ballot asks. */
  profile: ProfileDimension[];
  /** The ballot may carry a write-in `other` text (counted as the option `other`). */
  allowOther: boolean;
  /** The options a voter picks from (the write-in `other` is not among them); `range` and `value` only where set. */
  options: { key: string; label: string; exclusive: boolean; range?: OptionRange; value?: number }[];
}

export interface PollSummary {
  slug: string;
  question: string;
  type: PollType;
  status: PollStatus;
  opensAt: string | null;
  closesAt: string | null;
  totalResponses: number;
  createdAt: string;
}

/** The public JSON shape of results (`GET /api/polls/{slug}/results`). */
export interface Results {
  slug: string;
  question: string;
  status: PollStatus;
  type: PollType;
  duplicatePolicy: DuplicatePolicy;
  totalResponses: number;
  duplicatesRefused: number;
  /** Votes the owner quarantined after review (a burst from one network): in the log, out of every count here. */
  excludedVotes: number;
  options: { key: string; label: string; votes: number; share: number; ci95: { low: number; high: number } }[];
  updatedAt: string;
  /** Ordinal polls: the median and cumulative shares (src/lib/ordinal.ts). */
  ordinal?: OrdinalSummary;
  /** With `?by=`: the results per segment (src/lib/breakdown.ts). */
  breakdown?: Breakdown;
  /** Ranked polls: the instant-runoff count, every round (src/lib/irv.ts). */
  ranked?: IrvResult;
  /** Rating polls: mean with its t-interval, median and standard deviation (src/lib/rating.ts). */
  rating?: RatingSummary;
}
