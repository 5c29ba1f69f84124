import { describe, expect, it } from 'vitest';
import { deviceKeyFor, newDeviceId, signDeviceId, verifyDeviceCookie } from '../../src/lib/voter';

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
