/**
 * Several instances on one PostgreSQL: what one instance's writes change, told to the others, so
 * the live streams (src/lib/live-results.ts) and the page cache's data versions
 * (src/lib/data-versions.ts) of every instance react to a vote cast on any of them. The instance
 * that wrote reacts as it always did; the relay carries the same calls to the others
 * (db/pg/change-feed.ts), where they are applied without being relayed again.
 */
import { DataVersions } from './data-versions';
import type { LiveChange, LiveResults } from './live-results';

/** What moved the data versions: a vote on a poll (recorded or refused), or any other write. */
export type VersionChange = { type: 'vote'; poll: number } | { type: 'site' };

/** One change, as relayed between instances. */
export type SharedChange = LiveChange | VersionChange;

/** DataVersions whose local moves are also relayed; `apply` moves them for another instance's write. */
export class RelayedDataVersions extends DataVersions {
  /** Where local moves also go; null: nowhere (one process, SQLite). */
  relay: ((change: VersionChange) => void) | null = null;

  override voteOn(poll: number): void {
    super.voteOn(poll);
    this.relay?.({ type: 'vote', poll });
  }

  override siteChanged(): void {
    super.siteChanged();
    this.relay?.({ type: 'site' });
  }

  /** Another instance's write: moves the versions as the write would have here; nothing is relayed. */
  apply(change: VersionChange): void {
    if (change.type === 'vote') super.voteOn(change.poll);
    else super.siteChanged();
  }
}

/** Whether `value` (parsed from another instance's message) is a change this version understands. */
export function isSharedChange(value: unknown): value is SharedChange {
  if (typeof value !== 'object' || value === null) return false;
  const change = value as Record<string, unknown>;
  const kind = change.kind === 'poll' || change.kind === 'survey';
  switch (change.type) {
    case 'changed':
      return kind && typeof change.slug === 'string';
    case 'deleted':
      return kind && Number.isInteger(change.id);
    case 'vote':
      return Number.isInteger(change.poll);
    case 'site':
      return true;
    default:
      return false;
  }
}

/** Where the changes of other instances land on this one. */
export interface ChangeTargets {
  live: Pick<LiveResults, 'apply' | 'changedAll'>;
  versions: Pick<RelayedDataVersions, 'apply'>;
}

/** Applies other instances' changes here (unknown ones, from a newer version, count as "everything"). */
export function applyChanges(targets: ChangeTargets, changes: unknown[]): void {
  for (const change of changes) {
    if (!isSharedChange(change)) {
      everythingChanged(targets);
      continue;
    }
    if (change.type === 'vote' || change.type === 'site') targets.versions.apply(change);
    else targets.live.apply(change);
  }
}

/** Changes of other instances may have been missed: every page is stale, every stream gets an event. */
export function everythingChanged({ live, versions }: ChangeTargets): void {
  versions.apply({ type: 'site' });
  live.changedAll();
}

/** Relays every local change of `live` and `versions` to `publish`. */
export function relayChanges(
  { live, versions }: { live: LiveResults; versions: RelayedDataVersions },
  publish: (change: SharedChange) => void,
): void {
  live.relay = publish;
  versions.relay = publish;
}
