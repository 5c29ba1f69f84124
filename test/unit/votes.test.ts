/** The identities each duplicate policy locks for a vote. */
import { describe, expect, it } from 'vitest';
import { lockKeysFor } from '@/lib/votes';

describe('lockKeysFor', () => {
  it.each([
    ['none', []],
    ['device', ['d:DEV']],
    ['network', ['n:NET']],
    ['device_or_network', ['d:DEV', 'n:NET']],
  ] as const)('%s locks %j', (policy, expected) => {
    expect(lockKeysFor(policy, ['DEV'], 'NET')).toEqual(expected);
  });

  it('keeps device and network keys apart even when their values are equal', () => {
    const [device, network] = lockKeysFor('device_or_network', ['same'], 'same');
    expect(device).not.toBe(network);
  });

  it('locks every device key the request proves, once each', () => {
    expect(lockKeysFor('device', ['SITE', 'WIDGET', 'SITE'], 'NET')).toEqual(['d:SITE', 'd:WIDGET']);
    expect(lockKeysFor('device_or_network', ['SITE', 'WIDGET'], 'NET')).toEqual(['d:SITE', 'd:WIDGET', 'n:NET']);
    expect(lockKeysFor('network', ['SITE', 'WIDGET'], 'NET')).toEqual(['n:NET']);
  });
});
