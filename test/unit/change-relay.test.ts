/**
 * The relay of one instance's changes to the others (src/lib/change-relay.ts, LiveResults.relay):
 * local changes are relayed once, changes applied from another instance never are, and anything
 * not understood counts as "everything changed".
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyChanges,
  everythingChanged,
  isSharedChange,
  RelayedDataVersions,
  type SharedChange,
} from '@/lib/change-relay';
import { LiveResults, type LiveChange } from '@/lib/live-results';

const hubs: LiveResults[] = [];
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.closeAll();
});

/** A hub with no polls behind it (nothing here is watched, so nothing is read). */
function hub(): LiveResults {
  const live = new LiveResults({
    store: {
      findPoll: () => Promise.reject(new Error('not read')),
      rankingTallies: () => Promise.reject(new Error('not read')),
    },
    maxStreams: 10,
  });
  hubs.push(live);
  return live;
}

describe('RelayedDataVersions', () => {
  it('relays its own moves and applies others without relaying them', () => {
    const versions = new RelayedDataVersions();
    const relayed: SharedChange[] = [];
    versions.relay = (change) => relayed.push(change);
    versions.voteOn(4);
    versions.siteChanged();
    expect(relayed).toEqual([{ type: 'vote', poll: 4 }, { type: 'site' }]);
    const before = versions.lastWrite(9);
    versions.apply({ type: 'vote', poll: 9 });
    expect(versions.lastWrite(9)).toBeGreaterThan(before);
    const site = versions.lastWrite(4);
    versions.apply({ type: 'site' });
    expect(versions.lastWrite(4)).toBeGreaterThan(site);
    expect(relayed).toHaveLength(2);
  });

  it('without a relay moves as DataVersions does', () => {
    const versions = new RelayedDataVersions();
    versions.voteOn(1);
    expect(versions.lastWrite(1)).toBe(1);
    expect(versions.lastWrite(2)).toBe(0);
    expect(versions.lastWrite('*')).toBe(1);
    versions.siteChanged();
    expect(versions.lastWrite(2)).toBe(2);
  });
});

describe('LiveResults relay', () => {
  it('relays changes and deletions made here, including a survey’s, and not applied ones', () => {
    const live = hub();
    const relayed: LiveChange[] = [];
    live.relay = (change) => relayed.push(change);
    live.changed('lunch');
    live.surveyChanged('pulse');
    live.deleted(3);
    live.deleted(5, 'survey');
    live.apply({ type: 'changed', kind: 'poll', slug: 'other' });
    live.apply({ type: 'deleted', kind: 'poll', id: 8 });
    live.changedAll();
    expect(relayed).toEqual([
      { type: 'changed', kind: 'poll', slug: 'lunch' },
      { type: 'changed', kind: 'survey', slug: 'pulse' },
      { type: 'deleted', kind: 'poll', id: 3 },
      { type: 'deleted', kind: 'survey', id: 5 },
    ]);
  });

  it('ends the streams of a poll another instance deleted', () => {
    const live = hub();
    let closed = false;
    live.watch('gone', 12, false, { results: () => {}, heartbeat: () => {}, close: () => (closed = true) });
    live.apply({ type: 'deleted', kind: 'poll', id: 12 });
    expect(closed).toBe(true);
  });
});

describe('applying changes from other instances', () => {
  it('routes votes and site changes to the versions, stream changes to the hub', () => {
    const versions = new RelayedDataVersions();
    const applied: unknown[] = [];
    const live = { apply: (change: LiveChange) => applied.push(change), changedAll: () => applied.push('all') };
    applyChanges({ live, versions }, [
      { type: 'vote', poll: 2 },
      { type: 'changed', kind: 'survey', slug: 's' },
      { type: 'from a newer version' },
    ]);
    expect(versions.lastWrite(2)).toBe(2); // the vote (1), then "everything" moved the site (2)
    expect(applied).toEqual([{ type: 'changed', kind: 'survey', slug: 's' }, 'all']);
    everythingChanged({ live, versions });
    expect(versions.lastWrite(99)).toBe(3);
  });

  it('accepts only well-formed changes', () => {
    expect(isSharedChange({ type: 'vote', poll: 1 })).toBe(true);
    expect(isSharedChange({ type: 'site' })).toBe(true);
    expect(isSharedChange({ type: 'changed', kind: 'poll', slug: 'x' })).toBe(true);
    expect(isSharedChange({ type: 'deleted', kind: 'survey', id: 2 })).toBe(true);
    expect(isSharedChange({ type: 'vote', poll: '1' })).toBe(false);
    expect(isSharedChange({ type: 'changed', kind: 'page', slug: 'x' })).toBe(false);
    expect(isSharedChange({ type: 'deleted', kind: 'poll', id: 1.5 })).toBe(false);
    expect(isSharedChange(null)).toBe(false);
    expect(isSharedChange('site')).toBe(false);
  });
});
