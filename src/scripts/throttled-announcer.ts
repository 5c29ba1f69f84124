/**
 * Polite announcements that never nag: a screen reader hears at most one message per interval,
 * and always the latest one — a message arriving too soon waits for the interval's end, and a
 * newer one replaces it while it waits. No DOM here, so it is unit-tested with fake timers.
 */

/** SPEC.md, "Live results": the new total is announced at most every 30 s. */
export const ANNOUNCE_INTERVAL_MS = 30_000;

/** Returns `announce(text)`, which calls `say` at once or at the end of the current interval. */
export function throttledAnnouncer(say: (text: string) => void, intervalMs = ANNOUNCE_INTERVAL_MS) {
  let lastSaidAt = -Infinity;
  let said: string | null = null;
  let waiting: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    timer = undefined;
    // Saying the same words again would only repeat what the listener already heard.
    if (waiting !== null && waiting !== said) {
      say(waiting);
      said = waiting;
      lastSaidAt = Date.now();
    }
    waiting = null;
  };

  return (text: string) => {
    waiting = text;
    if (timer !== undefined) return;
    const wait = lastSaidAt + intervalMs - Date.now();
    if (wait <= 0) flush();
    else timer = setTimeout(flush, wait);
  };
}
