/**
 * The anonymised vote log as CSV: time, choices, source — never a voter key or an address — and
 * `excluded`: "quarantined" for a vote kept in the log but out of every public count.
 */
import { csvRow } from './csv';
import type { AdminStore, VoteLogCursor, VoteLogEntry } from './store';

export const VOTE_LOG_HEADER = ['time', 'choices', 'source', 'excluded'] as const;

/** Votes per store read: one response chunk of roughly 50 kB. */
export const VOTE_LOG_PAGE_SIZE = 1000;

export function voteLogRow(vote: VoteLogEntry): string[] {
  return [
    new Date(vote.createdAt).toISOString(),
    vote.choices.join(' '),
    vote.source,
    vote.quarantined ? 'quarantined' : '',
  ];
}

/**
 * The log as a byte stream that reads one page from the store per pull: the stream holds about
 * a page whatever the poll's size, and a reader that applies backpressure slows the reads.
 * (Astro's Node writer does not wait for the socket to drain, so for a client slower than the
 * database the bytes queue in the socket's buffer instead.) Each page is one complete query, so
 * nothing stays open on the connection between pulls — better-sqlite3 allows no other statement
 * while an iterator is open, and votes keep being written during an export.
 */
export function voteLogCsv(
  store: AdminStore,
  pollId: number,
  pageSize = VOTE_LOG_PAGE_SIZE,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: VoteLogCursor | null = null;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvRow(VOTE_LOG_HEADER)));
    },
    async pull(controller) {
      const page = await store.voteLogPage(pollId, after, pageSize);
      if (page.length > 0) {
        controller.enqueue(encoder.encode(page.map((vote) => csvRow(voteLogRow(vote))).join('')));
        const last = page.at(-1)!;
        after = { createdAt: last.createdAt, id: last.id };
      }
      if (page.length < pageSize) controller.close();
    },
  });
}
