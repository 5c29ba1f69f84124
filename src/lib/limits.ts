/** Every limit of the product, named once with its reason, shared by schemas, forms and HTTP. */

/** Long enough for a survey question, short enough to read in one breath. */
export const MAX_QUESTION_LENGTH = 300;
/** A paragraph of context, not an essay. */
export const MAX_DESCRIPTION_LENGTH = 2000;
/** Option labels are meant to be scanned in a list. */
export const MAX_OPTION_LABEL_LENGTH = 200;
/** A poll needs a choice; more than 30 options stops being a poll. */
export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 30;
/** Keys and slugs stay short enough for URLs and CSV headers. */
export const MAX_OPTION_KEY_LENGTH = 64;
export const MAX_SLUG_LENGTH = 64;
/** A vote is a handful of keys; anything bigger is not a vote. */
export const MAX_VOTE_BODY_BYTES = 16 * 1024;
/** A poll definition with 30 long options fits comfortably. */
export const MAX_ADMIN_BODY_BYTES = 64 * 1024;

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const OPTION_KEY_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A survey's title reads like a question's: one breath. */
export const MAX_SURVEY_TITLE_LENGTH = 300;
/** A pulse survey, not a census: more than 20 questions loses the respondents it needs. */
export const MAX_SURVEY_QUESTIONS = 20;
/** Pages are for pacing; more than 10 is a survey nobody finishes. */
export const MAX_SURVEY_PAGES = 10;
/**
 * A response answers up to 20 questions at once (each up to 30 keys and a 200-character
 * write-in), so it gets the admin body limit rather than a single vote's 16 KiB.
 */
export const MAX_SURVEY_RESPONSE_BODY_BYTES = MAX_ADMIN_BODY_BYTES;

/** Slugs the admin pages use as names (/admin/polls/new, /admin/surveys/import): never a poll's or a survey's. */
export const RESERVED_SLUGS: readonly string[] = ['new', 'import'];
