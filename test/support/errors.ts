/** The contract code of a refusal, for table-driven tests of domain rules. */
import { PollError } from '@/lib/errors';

/** The PollError code `run` throws, or undefined when it does not throw. */
export function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof PollError) return error.code;
    throw error;
  }
  return undefined;
}

/** The PollError code an async `run` rejects with; fails the test when it resolves. */
export async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof PollError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}
