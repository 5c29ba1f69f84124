import { describe, expect, it } from 'vitest';
import { PROBE_INTERVAL_MS, StorageHealth } from '@/lib/storage-health';

const FULL = { code: 'SQLITE_FULL', message: 'database or disk is full' };
const IOERR = { code: 'SQLITE_IOERR_FSYNC', message: 'disk I/O error' };

function tracker() {
  const log: string[] = [];
  return { log, health: new StorageHealth((line) => log.push(line)) };
}

describe('StorageHealth', () => {
  it('logs one line when writes start failing and one when they succeed again', () => {
    const { log, health } = tracker();
    health.succeeded(0);
    for (let t = 1000; t < 10_000; t += 1000) health.failed(FULL, t);
    expect(health.state).toEqual({ ok: false, reason: 'SQLITE_FULL: database or disk is full', since: 1000 });
    health.succeeded(43_000);
    health.succeeded(44_000);
    expect(health.state).toEqual({ ok: true });
    expect(log).toEqual([
      'Storage: writes are failing (SQLITE_FULL: database or disk is full); answering 503 until they succeed again',
      'Storage: writes succeed again after 42 s of SQLITE_FULL; answering normally',
    ]);
  });

  it('reports the latest cause but keeps when the outage began', () => {
    const { log, health } = tracker();
    health.failed(FULL, 1000);
    health.failed(IOERR, 2000);
    expect(health.state).toEqual({ ok: false, reason: 'SQLITE_IOERR_FSYNC: disk I/O error', since: 1000 });
    expect(log).toHaveLength(1);
  });

  it('probes only when no write has shown the state for the probe interval', async () => {
    const { health } = tracker();
    let probes = 0;
    const probe = async () => {
      probes++;
    };
    await health.probeIfDue(probe, 0);
    await health.probeIfDue(probe, PROBE_INTERVAL_MS - 1);
    expect(probes).toBe(1);
    health.failed(FULL, 10_000); // a real write's outcome counts as evidence too
    await health.probeIfDue(probe, 10_000 + PROBE_INTERVAL_MS - 1);
    expect(probes).toBe(1);
    await health.probeIfDue(probe, 10_000 + PROBE_INTERVAL_MS);
    expect(probes).toBe(2);
  });

  it('lets concurrent health checks share one probe', async () => {
    const { health } = tracker();
    let probes = 0;
    const probe = () => new Promise<void>((resolve) => setTimeout(() => resolve(void probes++), 10));
    await Promise.all([health.probeIfDue(probe, 0), health.probeIfDue(probe, 1), health.probeIfDue(probe, 2)]);
    expect(probes).toBe(1);
  });
});
