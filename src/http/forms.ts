/** Form posts handled by pages: run the action, or show the refusal on the page itself. */
import { isPollError, type PollError } from '@/lib/errors';

/**
 * Runs a form's action. Success is whatever the action returns (usually a redirect Response,
 * which the page returns). A PollError — a mistake in the form or a refusal — sets the page's
 * status and comes back for the page to show in its alert; anything else is a bug and propagates.
 */
export async function submitForm<T>(
  response: { status?: number; headers?: Headers },
  action: () => Promise<T>,
): Promise<{ done: T } | { refused: PollError }> {
  try {
    return { done: await action() };
  } catch (thrown) {
    if (!isPollError(thrown)) throw thrown;
    response.status = thrown.status;
    // A refusal with a wait of its own (an address budget spent for the hour) says when to retry.
    if (thrown.retryAfterSeconds !== undefined) response.headers?.set('Retry-After', String(thrown.retryAfterSeconds));
    return { refused: thrown };
  }
}
