/**
 * The domain's typed failures. Domain functions throw PollError with a contract code; one
 * function maps it to an HTTP status, so the JSON API and the HTML forms answer alike.
 */

export const STATUS_BY_CODE = {
  invalid_json: 400,
  invalid_body: 400,
  unauthorized: 401,
  poll_closed: 403,
  poll_not_open: 403,
  results_hidden: 403,
  forbidden_origin: 403,
  poll_not_found: 404,
  not_found: 404,
  method_not_allowed: 405,
  already_voted: 409,
  slug_taken: 409,
  poll_has_votes: 409,
  /** A survey's questions or pages change only while it has no responses. */
  survey_has_responses: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  // A request for a host other than PUBLIC_ORIGIN's (Host-header tricks, DNS rebinding).
  misdirected_request: 421,
  invalid_choice: 422,
  too_many_choices: 422,
  too_few_choices: 422,
  invalid_poll: 422,
  invalid_profile: 422,
  invalid_other: 422,
  invalid_breakdown: 422,
  /** A survey submission with problems; the envelope lists them per question (`problems`). */
  invalid_answers: 422,
  rate_limited: 429,
  /** The database cannot write (disk full, read-only, I/O errors): an outage, not a bug. */
  storage_unavailable: 503,
  /** MAX_STREAMS live-result streams are open on this process. */
  streams_full: 503,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

/** A refusal the client can act on: a contract code plus one human sentence. */
export class PollError extends Error {
  readonly code: ErrorCode;
  /** The input field at fault, when there is one (forms show the message next to it). */
  readonly field: string | undefined;
  /** Seconds until a retry can succeed (an address budget's hour ending); sent as Retry-After. */
  readonly retryAfterSeconds: number | undefined;
  constructor(code: ErrorCode, message: string, field?: string, options: { retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'PollError';
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export function isPollError(error: unknown): error is PollError {
  return error instanceof PollError;
}
