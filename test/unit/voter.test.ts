import { describe, expect, it } from 'vitest';
import {
  deviceKeyFor,
  newDeviceId,
  signDeviceId,
  signWidgetToken,
  verifyDeviceCookie,
  verifyWidgetToken,
} from '@/lib/voter';

const SECRET = 'unit-test-secret-unit-test-secret';

describe('voter cookie', () => {
  it('verifies its own signature', () => {
    const id = newDeviceId();
    expect(verifyDeviceCookie(SECRET, signDeviceId(SECRET, id))).toBe(id);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['garbage', 'not-a-cookie'],
    ['forged id', signDeviceId(SECRET, newDeviceId()).replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))],
    ['other secret', signDeviceId('another-secret-another-secret-xx', newDeviceId())],
  ])('refuses a %s cookie', (_name, value) => {
    expect(verifyDeviceCookie(SECRET, value)).toBeNull();
  });

  it('derives unlinkable per-poll keys', () => {
    const id = newDeviceId();
    expect(deviceKeyFor(SECRET, 1, id)).not.toBe(deviceKeyFor(SECRET, 2, id));
    expect(deviceKeyFor(SECRET, 1, id)).toBe(deviceKeyFor(SECRET, 1, id));
    expect(deviceKeyFor(SECRET, 1, id)).not.toContain(id);
  });
});

describe('widget token', () => {
  const NOW = Date.UTC(2026, 10, 26, 12);
  const id = newDeviceId();
  const token = signWidgetToken(SECRET, id, 7, NOW + 60_000);

  it('names its device for its own poll until it expires', () => {
    expect(verifyWidgetToken(SECRET, token, 7, NOW)).toBe(id);
  });

  it.each([
    ['another poll', token, 8, NOW],
    ['after its expiry', token, 7, NOW + 61_000],
    ['another secret', signWidgetToken('another-secret-another-secret-xx', id, 7, NOW + 60_000), 7, NOW],
    ['a moved expiry', token.replace(/\.(\d+)\./, (_m, s: string) => `.${Number(s) + 3600}.`), 7, NOW],
    ['a device cookie value', signDeviceId(SECRET, id), 7, NOW],
    ['nothing', null, 7, NOW],
    ['garbage', 'x.1.2.y', 7, NOW],
  ])('refuses %s', (_name, value, pollId, now) => {
    expect(verifyWidgetToken(SECRET, value, pollId, now)).toBeNull();
  });
});
