/** The widget's polite announcer: at most one message per interval, and the latest one. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANNOUNCE_INTERVAL_MS, throttledAnnouncer } from '@/scripts/throttled-announcer';

describe('throttledAnnouncer', () => {
  let said: string[];
  let announce: (text: string) => void;
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    said = [];
    announce = throttledAnnouncer((text) => said.push(text));
  });
  afterEach(() => vi.useRealTimers());

  it('is 30 s, as SPEC.md says', () => {
    expect(ANNOUNCE_INTERVAL_MS).toBe(30_000);
  });

  it('says the first message at once', () => {
    announce('2 responses — updated');
    expect(said).toEqual(['2 responses — updated']);
  });

  it('holds messages that come too soon and then says only the latest, at the end of the interval', () => {
    announce('2 responses — updated');
    vi.advanceTimersByTime(1000);
    announce('3 responses — updated');
    vi.advanceTimersByTime(1000);
    announce('4 responses — updated');
    vi.advanceTimersByTime(ANNOUNCE_INTERVAL_MS - 2001);
    expect(said).toEqual(['2 responses — updated']);
    vi.advanceTimersByTime(1);
    expect(said).toEqual(['2 responses — updated', '4 responses — updated']);
  });

  it('never says more than one message per interval, however many arrive, and ends with the latest', () => {
    const at: number[] = [];
    announce = throttledAnnouncer((text) => {
      said.push(text);
      at.push(Date.now() - 1_000_000);
    });
    announce('first');
    for (let second = 1; second <= 120; second++) {
      vi.advanceTimersByTime(1000);
      announce(`after ${second} s`);
    }
    vi.runAllTimers();
    // Each slot says what was newest when it came: at 30 s the message of 29 s was waiting.
    expect(said).toEqual(['first', 'after 29 s', 'after 59 s', 'after 89 s', 'after 119 s', 'after 120 s']);
    expect(at).toEqual([0, 30_000, 60_000, 90_000, 120_000, 150_000]);
  });

  it('says a message at once when the last one is an interval old', () => {
    announce('2 responses — updated');
    vi.advanceTimersByTime(ANNOUNCE_INTERVAL_MS);
    announce('3 responses — updated');
    expect(said).toEqual(['2 responses — updated', '3 responses — updated']);
  });

  it('does not repeat the words the listener heard last', () => {
    announce('2 responses — updated');
    vi.advanceTimersByTime(5000);
    announce('2 responses — updated');
    vi.runAllTimers();
    expect(said).toEqual(['2 responses — updated']);
  });
});
