/**
 * Changes between instances over PostgreSQL's LISTEN/NOTIFY. Each instance publishes what its own
 * writes changed (after they committed) on one channel, and listens on a dedicated connection for
 * the others'. A message carries the sender's instance id, so an instance skips its own.
 *
 * NOTIFY is not a queue: a listener that was disconnected missed whatever was sent meanwhile, so
 * on every (re)connection the feed reports "everything changed" and its owner treats every cached
 * page and every stream as stale. Changes are batched (one NOTIFY per few milliseconds, repeated
 * changes sent once) so a flood of votes is not a flood of notifications.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { PgDb } from './client';

export const CHANGE_CHANNEL = 'peer_polls_changes';

/** A NOTIFY payload must stay under 8000 bytes; a batch larger than this is sent in parts. */
const MAX_PAYLOAD_BYTES = 7000;
/** Changes waiting beyond this many are sent as "everything changed" instead. */
const MAX_PENDING = 5000;
/** How long changes gather before they are sent. */
const BATCH_MS = 5;
/** The listening connection is probed this often; an answer slower than PROBE_TIMEOUT_MS drops it. */
const PROBE_MS = 15_000;
const PROBE_TIMEOUT_MS = 10_000;
const MIN_RECONNECT_MS = 250;
const MAX_RECONNECT_MS = 15_000;

/** One message: the sender, and its changes or "everything changed". */
interface Message {
  from: string;
  changes?: unknown[];
  all?: true;
}

export interface ChangeFeedOptions {
  /** The database to listen to (a connection of its own is opened). */
  url: string;
  /** Where notifications are sent from (any pool on the same database). */
  publisher: PgDb;
  /** Other instances' changes (parsed JSON, as they were published). */
  onChanges(changes: unknown[]): void;
  /** Changes may have been missed (the listener (re)connected, or a sender's batch overflowed). */
  onEverything(): void;
  /** This instance's id (default: a random one). */
  instanceId?: string;
  /** Test hooks: the listening connection's lifecycle. */
  onListening?(): void;
}

export class PgChangeFeed {
  readonly instanceId: string;
  #client: pg.Client | null = null;
  #pending = new Map<string, unknown>();
  #overflow = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #probeTimer: ReturnType<typeof setInterval> | null = null;
  #delay = MIN_RECONNECT_MS;
  #closed = false;

  constructor(private readonly options: ChangeFeedOptions) {
    this.instanceId = options.instanceId ?? randomUUID();
  }

  /** Connects and listens; rejects when the first connection fails (the instance should not start). */
  async start(): Promise<void> {
    await this.#connect();
  }

  /** Whether the listening connection is up. */
  get listening(): boolean {
    return this.#client !== null;
  }

  /** Sends `change` to the other instances, soon (batched with the changes around it). */
  publish = (change: unknown): void => {
    if (this.#closed) return;
    if (this.#pending.size >= MAX_PENDING) this.#overflow = true;
    else this.#pending.set(JSON.stringify(change), change);
    this.#timer ??= setTimeout(() => void this.flush(), BATCH_MS);
  };

  /** Sends what is waiting now (resolves when it was sent, or sending failed). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const changes = [...this.#pending.values()];
    const all = this.#overflow;
    this.#pending.clear();
    this.#overflow = false;
    if (changes.length === 0 && !all) return this.#flushing;
    // One after the other: the order of batches is the order of the writes.
    this.#flushing = this.#flushing.then(() =>
      this.#send(all ? [{ from: this.instanceId, all: true }] : this.#split(changes)),
    );
    return this.#flushing;
  }

  #split(changes: unknown[]): Message[] {
    const messages: Message[] = [];
    let batch: unknown[] = [];
    let bytes = 0;
    for (const change of changes) {
      const size = Buffer.byteLength(JSON.stringify(change)) + 1;
      if (batch.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) {
        messages.push({ from: this.instanceId, changes: batch });
        batch = [];
        bytes = 0;
      }
      batch.push(change);
      bytes += size;
    }
    if (batch.length > 0) messages.push({ from: this.instanceId, changes: batch });
    return messages;
  }

  async #send(messages: Message[]): Promise<void> {
    for (const message of messages) {
      const payload = JSON.stringify(message);
      // A single change too large for NOTIFY (a very long slug cannot be: slugs are short) is sent as "everything".
      const sent = Buffer.byteLength(payload) < 8000 ? payload : JSON.stringify({ from: this.instanceId, all: true });
      try {
        await this.options.publisher.execute(sql`select pg_notify(${CHANGE_CHANNEL}, ${sent})`);
      } catch {
        // The database is unavailable: the others' listeners lose their connection too, and
        // treat everything as changed when it is back.
      }
    }
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: 'peer-polls-changes',
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      query_timeout: PROBE_TIMEOUT_MS,
      connectionTimeoutMillis: 10_000,
    });
    const lost = () => this.#lost(client);
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (notification) => {
      if (notification.channel === CHANGE_CHANNEL) this.#receive(notification.payload);
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANGE_CHANNEL}`);
    } catch (error) {
      client.removeListener('end', lost);
      await client.end().catch(() => {});
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#delay = MIN_RECONNECT_MS;
    this.#probeTimer = setInterval(() => {
      client.query('select 1').catch(() => this.#lost(client));
    }, PROBE_MS);
    this.#probeTimer.unref();
    this.options.onListening?.();
    // Whatever was sent while this instance was not listening is lost: everything is stale.
    this.options.onEverything();
  }

  #receive(payload: string | undefined): void {
    let message: Message;
    try {
      message = JSON.parse(payload ?? '') as Message;
    } catch {
      return this.options.onEverything();
    }
    if (message.from === this.instanceId) return;
    if (message.all || !Array.isArray(message.changes)) this.options.onEverything();
    else this.options.onChanges(message.changes);
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = null;
    if (this.#probeTimer) clearInterval(this.#probeTimer);
    this.#probeTimer = null;
    client.end().catch(() => {});
    if (!this.#closed) this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#reconnectTimer || this.#closed) return;
    const delay = this.#delay;
    this.#delay = Math.min(MAX_RECONNECT_MS, this.#delay * 2);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connect().catch(() => this.#scheduleReconnect());
    }, delay);
    this.#reconnectTimer.unref();
  }

  /** Sends what is waiting, stops listening and reconnecting. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    if (this.#probeTimer) clearInterval(this.#probeTimer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }
}
