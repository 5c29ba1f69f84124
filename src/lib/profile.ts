/**
 * The peer profile: the optional "About you" questions a poll may ask beside its ballot, from a
 * fixed catalogue (SPEC.md, "Peer profile"). Keys are contract; labels may be reworded.
 */
import { PollError } from './errors';

/** The fixed catalogue's dimensions (SPEC.md): the same on every installation. */
export const PROFILE_DIMENSIONS = ['role', 'industry', 'companySize', 'region'] as const;
/**
 * Dimensions whose values the operator lists (DEPARTMENTS): an intranet's own breakdowns, often
 * filled from its sign-on (AUTH_ATTRIBUTE_HEADERS). A poll may ask one only when it is configured.
 */
export const OPERATOR_DIMENSIONS = ['department'] as const;
/** Every dimension a poll may name, catalogue first. */
export const ASKABLE_DIMENSIONS = [...PROFILE_DIMENSIONS, ...OPERATOR_DIMENSIONS] as const;
export type ProfileDimension = (typeof ASKABLE_DIMENSIONS)[number];

/** The segment of respondents who did not answer a dimension ("Prefer not to say"). */
export const NOT_STATED = 'not-stated';
export const NOT_STATED_LABEL = 'Not stated';

export interface ProfileValue {
  key: string;
  label: string;
}

export interface DimensionInfo {
  /** The question as a label for a select ("Your role"). */
  label: string;
  /** The dimension as a noun for headings ("role": "Break down by role"). */
  noun: string;
  values: readonly ProfileValue[];
}

/**
 * The operator's departments (DEPARTMENTS), set once at start by src/app.ts from the
 * configuration: the list is the installation's, like the catalogue itself, so it is read where
 * the catalogue is read rather than threaded through every call.
 */
let departments: readonly ProfileValue[] = [];

/** Sets the departments a poll may ask about (keys already unique kebab-case; see src/lib/config.ts). */
export function configureDepartments(values: readonly ProfileValue[]): void {
  departments = values.map(({ key, label }) => ({ key, label }));
}

/** Whether the operator listed departments, i.e. whether a poll may ask `department`. */
export const departmentsConfigured = (): boolean => departments.length > 0;

export const PROFILE_CATALOGUE: Record<ProfileDimension, DimensionInfo> = {
  role: {
    label: 'Your role',
    noun: 'role',
    values: [
      { key: 'c-level', label: 'C-level executive' },
      { key: 'vp', label: 'Vice president' },
      { key: 'director', label: 'Director' },
      { key: 'manager', label: 'Manager' },
      { key: 'individual', label: 'Individual contributor' },
      { key: 'other', label: 'Other role' },
    ],
  },
  industry: {
    label: 'Your industry',
    noun: 'industry',
    values: [
      { key: 'banking', label: 'Banking' },
      { key: 'finance', label: 'Finance (non-banking)' },
      { key: 'software', label: 'Software & IT services' },
      { key: 'media', label: 'Media' },
      { key: 'healthcare', label: 'Healthcare' },
      { key: 'manufacturing', label: 'Manufacturing' },
      { key: 'retail', label: 'Retail' },
      { key: 'public-sector', label: 'Government & public sector' },
      { key: 'education', label: 'Education' },
      { key: 'energy', label: 'Energy & utilities' },
      { key: 'telecom', label: 'Telecommunications' },
      { key: 'other', label: 'Other industry' },
    ],
  },
  companySize: {
    label: 'Size of your company',
    noun: 'company size',
    values: [
      { key: 'lt-1000', label: 'Fewer than 1,000 employees' },
      { key: '1000-10000', label: '1,000–10,000 employees' },
      { key: 'gt-10000', label: 'More than 10,000 employees' },
    ],
  },
  region: {
    label: 'Your region',
    noun: 'region',
    values: [
      { key: 'north-america', label: 'North America' },
      { key: 'latin-america', label: 'Latin America' },
      { key: 'emea', label: 'Europe, Middle East & Africa' },
      { key: 'apac', label: 'Asia/Pacific' },
    ],
  },
  department: {
    label: 'Your department',
    noun: 'department',
    // Read on every use: the operator's list, set at start.
    get values() {
      return departments;
    },
  },
};

/** A respondent's answers: only the dimensions they answered (the others are "not stated"). */
export type ProfileAnswers = Partial<Record<ProfileDimension, string>>;

export const isProfileDimension = (value: unknown): value is ProfileDimension =>
  typeof value === 'string' && (ASKABLE_DIMENSIONS as readonly string[]).includes(value);

export const isProfileValue = (dimension: ProfileDimension, value: string) =>
  PROFILE_CATALOGUE[dimension].values.some((v) => v.key === value);

/** Every segment of a dimension in catalogue order, "not stated" last. */
export function segmentsOf(dimension: ProfileDimension): ProfileValue[] {
  return [...PROFILE_CATALOGUE[dimension].values, { key: NOT_STATED, label: NOT_STATED_LABEL }];
}

/** The dimensions in catalogue order, whatever order they were given in. */
export const inCatalogueOrder = (dimensions: readonly ProfileDimension[]): ProfileDimension[] =>
  ASKABLE_DIMENSIONS.filter((dimension) => dimensions.includes(dimension));

/** The dimensions a poll may ask on this installation (department only when configured). */
export const askableDimensions = (): ProfileDimension[] =>
  ASKABLE_DIMENSIONS.filter((dimension) => dimension !== 'department' || departmentsConfigured());

/**
 * A ballot's `profile` checked against the dimensions the poll asks: absent, null or an empty
 * answer means "prefer not to say"; a dimension the poll does not ask, or a value outside the
 * catalogue, is `422 invalid_profile`.
 */
export function parseProfile(
  asked: readonly ProfileDimension[],
  raw: unknown,
  signOn: SignOnProfile | null = null,
): ProfileAnswers {
  const fromSignOn = signedOnAnswers(asked, signOn);
  if (raw === undefined || raw === null) return fromSignOn;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PollError('invalid_profile', 'The profile must be an object such as { "role": "manager" }.');
  }
  const answers: ProfileAnswers = {};
  for (const [dimension, value] of Object.entries(raw)) {
    // The sign-on speaks for this dimension: whatever the ballot says about it is not asked.
    if (signOn?.dimensions.includes(dimension as ProfileDimension)) continue;
    if (!isProfileDimension(dimension) || !asked.includes(dimension)) {
      const askedList = asked.length ? asked.map((d) => `"${d}"`).join(', ') : 'none';
      throw new PollError(
        'invalid_profile',
        `This poll does not ask "${dimension.slice(0, 40)}" (it asks: ${askedList}).`,
      );
    }
    if (value === null || value === '') continue;
    if (typeof value !== 'string' || !isProfileValue(dimension, value)) {
      const known = PROFILE_CATALOGUE[dimension].values.map((v) => `"${v.key}"`).join(', ');
      throw new PollError(
        'invalid_profile',
        `The ${PROFILE_CATALOGUE[dimension].noun} must be one of ${known}, or left out.`,
      );
    }
    answers[dimension] = value;
  }
  return { ...answers, ...fromSignOn };
}

/**
 * Profile answers that the intranet's sign-on states (AUTH_ATTRIBUTE_HEADERS, read by
 * src/http/person.ts): `dimensions` are every dimension a header is configured for — the ballot's
 * own answer to those is ignored and their select is not shown — and `answers` what this
 * request's trusted headers said (a value outside the catalogue is "not stated").
 */
export interface SignOnProfile {
  dimensions: readonly ProfileDimension[];
  answers: ProfileAnswers;
}

/** The sign-on's answers for the dimensions a poll asks. */
function signedOnAnswers(asked: readonly ProfileDimension[], signOn: SignOnProfile | null): ProfileAnswers {
  const answers: ProfileAnswers = {};
  for (const dimension of signOn?.dimensions ?? []) {
    const value = signOn?.answers[dimension];
    if (asked.includes(dimension) && value !== undefined && isProfileValue(dimension, value)) {
      answers[dimension] = value;
    }
  }
  return answers;
}

/**
 * A header's value as an answer of the dimension: the catalogue key or label it names (case and
 * surrounding spaces aside), or undefined ("not stated") when it names none.
 */
export function profileValueFromText(dimension: ProfileDimension, text: string): string | undefined {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return undefined;
  return PROFILE_CATALOGUE[dimension].values.find(
    (value) => value.key.toLowerCase() === wanted || value.label.toLowerCase() === wanted,
  )?.key;
}

/** The form field of a dimension's select on the poll page and the widget. */
export const profileFieldName = (dimension: ProfileDimension) => `profile-${dimension}`;

/**
 * A form post's profile answers for the dimensions the poll asks, as the JSON ballot spells them
 * ("" = prefer not to say); parseProfile then checks the values.
 */
export function profileFromForm(
  asked: readonly ProfileDimension[],
  form: { get(name: string): unknown },
): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const dimension of asked) {
    const value = form.get(profileFieldName(dimension));
    if (value !== null && value !== '') answers[dimension] = value;
  }
  return answers;
}
