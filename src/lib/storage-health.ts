/**
 * Whether the database can write right now, as the last write showed. A full or read-only disk
 * is an operations problem, not a bug: it is logged once when writes start failing and once when
 * they succeed again (never a stack per request), and /healthz reports it while it lasts.
 */

/** How long clients are asked to wait (Retry-After) while storage is unavailable. */
export const STORAGE_RETRY_AFTER_SECONDS = 30;

/**
 * /healthz writes a probe only when no write has shown the state for this long, so a monitor
 * polling every second costs at most one tiny write per interval, and real writes need none.
 */
export const PROBE_INTERVAL_MS = 5000;

/** A storage failure as the database reported it, e.g. SQLITE_FULL "database or disk is full". */
export interface StorageFailure {
  code: string;
  message: string;
}

export type StorageState = { ok: true } | { ok: false; reason: string; since: number };

export class StorageHealth {
  #failure: (StorageFailure & { since: number }) | null = null;
  /** When a write (real or probe) last showed the state; -Infinity before the first. */
  #lastEvidence = -Infinity;
  readonly #log: (line: string) => void;

  constructor(log: (line: string) => void = (line) => console.error(line)) {
    this.#log = log;
  }

  get state(): StorageState {
    const failure = this.#failure;
    return failure ? { ok: false, reason: describe(failure), since: failure.since } : { ok: true };
  }

  /** A write (or a read) failed because of the storage. Logs only the transition. */
  failed(failure: StorageFailure, now: number): void {
    this.#lastEvidence = now;
    if (!this.#failure) {
      this.#log(`Storage: writes are failing (${describe(failure)}); answering 503 until they succeed again`);
      this.#failure = { ...failure, since: now };
    } else {
      // Keep the start of the outage, report the latest cause.
      this.#failure = { ...failure, since: this.#failure.since };
    }
  }

  /** A write was committed. Logs only the transition. */
  succeeded(now: number): void {
    this.#lastEvidence = now;
    const failure = this.#failure;
    if (!failure) return;
    this.#failure = null;
    const seconds = Math.max(0, Math.round((now - failure.since) / 1000));
    this.#log(`Storage: writes succeed again after ${seconds} s of ${failure.code}; answering normally`);
  }

  /**
   * Runs `probe` (a tiny write through the guarded store, which reports its own outcome here)
   * when no write has shown the state within PROBE_INTERVAL_MS; otherwise the recent evidence
   * stands. The probe's error, if any, is the caller's to handle.
   */
  async probeIfDue(probe: () => Promise<unknown>, now: number): Promise<void> {
    if (now - this.#lastEvidence < PROBE_INTERVAL_MS) return;
    // Claimed before the write, so concurrent health checks share one probe.
    this.#lastEvidence = now;
    await probe();
  }
}

function describe(failure: StorageFailure): string {
  return `${failure.code}: ${failure.message}`;
}
