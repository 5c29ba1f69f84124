/**
 * A genuinely full disk under the built server: the database lives on a small tmpfs, a filler
 * file takes the rest of it, and votes must answer 503 storage_unavailable with Retry-After (never
 * 500), /healthz must say so, the log must say so once — and when the filler goes, votes must
 * succeed again with every acknowledged vote counted and the file intact.
 *
 * Mounting needs root (CI runs as root); elsewhere the test is skipped and says why.
 * test/integration/storage-unavailable.test.ts covers the same boundary without a mount.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll, formPost, loginAsAdmin, request, vote, type JsonResponse } from '../support/api';
import { ADMIN_TOKEN, startServer, type RunningServer } from '../support/server';
import { withDatabase } from '../support/temp-db';

/** Whether this user may mount a tmpfs: tried once on a throwaway directory. */
function mountPermitted(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'peer-polls-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const canMount = mountPermitted();
if (!canMount) {
  console.warn(
    'test/http/disk-full.test.ts: SKIPPED — mounting a size-limited tmpfs needs root (CI runs as root). ' +
      'test/integration/storage-unavailable.test.ts still checks storage failures without a mount.',
  );
}

const SLUG = 'full';
const PASSWORD = 'correct horse battery staple';
let dir: string;
let mounted = false;
let server: RunningServer | undefined;
const fillerPath = () => join(dir, 'filler');

/** Writes a filler file until the filesystem refuses another byte (ENOSPC). */
function fillDisk(): void {
  const fd = openSync(fillerPath(), 'w');
  try {
    // Big chunks first, then smaller ones to take what a partial page leaves.
    for (const size of [256 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          if (writeSync(fd, chunk) < size) break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

beforeAll(async () => {
  if (!canMount) return;
  dir = mkdtempSync(join(tmpdir(), 'peer-polls-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
  mounted = true;
  server = await startServer({ dir, env: { SEED_DEMO: '0', ADMIN_PASSWORD: PASSWORD } });
  await createPoll(server.url, {
    slug: SLUG,
    question: 'Is the disk full?',
    options: ['Yes', 'No'],
    duplicatePolicy: 'none',
    resultsVisibility: 'always',
  });
});

afterAll(async () => {
  await server?.stop();
  if (mounted) execFileSync('umount', [dir]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A browser's form post (same origin, wants HTML). */
const browserPost = (path: string, body: string, cookie?: string): Promise<JsonResponse> =>
  formPost(server!.url, path, body, { accept: 'text/html', ...(cookie ? { cookie } : {}) });

const failingLine = /Storage: writes are failing \(SQLITE_FULL: database or disk is full\)/g;
const recoveredLine = /Storage: writes succeed again after \d+ s of SQLITE_FULL/g;

describe('a full disk under the database', () => {
  it.skipIf(!canMount)('answers 503 storage_unavailable with Retry-After until space returns', async () => {
    const { url } = server!;
    let acknowledged = 0;
    const statuses = new Set<number>();
    const castVote = async (): Promise<JsonResponse> => {
      const response = await vote(url, SLUG, ['yes']);
      statuses.add(response.status);
      if (response.status === 201) acknowledged++;
      return response;
    };

    expect((await castVote()).status).toBe(201);
    // Logged in while the disk has room: a session is a write too.
    const adminCookie = await loginAsAdmin(url, PASSWORD);
    fillDisk();

    // SQLite's WAL may still have room for a few commits before it needs to grow.
    let refused: JsonResponse | undefined;
    for (let i = 0; i < 2000 && !refused; i++) {
      const response = await castVote();
      if (response.status !== 201) refused = response;
    }
    expect(refused, 'votes kept succeeding on a full disk').toBeDefined();
    expect(refused!.status).toBe(503);
    expect(refused!.body.error.code).toBe('storage_unavailable');
    expect(refused!.headers.get('retry-after')).toBe('30');
    for (let i = 0; i < 5; i++) {
      const again = await castVote();
      expect(again.status).toBe(503);
      expect(again.headers.get('retry-after')).toBe('30');
    }

    const health = await request(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).toBe('30');
    expect(health.body).toEqual({ status: 'unavailable', reason: 'SQLITE_FULL: database or disk is full' });

    // A browser's form post gets the poll page again, with the reason announced.
    const form = await browserPost(`/polls/${SLUG}`, 'choice=yes');
    expect(form.status).toBe(503);
    expect(form.headers.get('retry-after')).toBe('30');
    expect(form.body).toMatch(/role="alert"[^>]*>[\s\S]*Your vote was not counted\.[\s\S]*storage is full/);

    // The widget's form post, likewise.
    const widget = await browserPost(`/embed/${SLUG}`, 'choice=yes');
    expect(widget.status).toBe(503);
    expect(widget.headers.get('retry-after')).toBe('30');
    expect(widget.body).toMatch(/role="alert"[^>]*>[\s\S]*storage is full/);

    // The admin forms re-render with the reason; logout (an endpoint) answers a refusal page.
    const created = await browserPost('/admin/polls/new', 'question=New%3F&options=A%0AB', adminCookie);
    expect(created.status).toBe(503);
    expect(created.headers.get('retry-after')).toBe('30');
    expect(created.body).toMatch(/role="alert"[^>]*>[\s\S]*not created:[\s\S]*storage is full/);
    const closed = await browserPost(`/admin/polls/${SLUG}`, 'action=close', adminCookie);
    expect(closed.status).toBe(503);
    expect(closed.headers.get('retry-after')).toBe('30');
    expect(closed.body).toMatch(/role="alert"[^>]*>[\s\S]*Not saved:[\s\S]*storage is full/);
    const logout = await browserPost('/admin/logout', '', adminCookie);
    expect(logout.status).toBe(503);
    expect(logout.headers.get('retry-after')).toBe('30');
    expect(logout.body).toMatch(/role="alert"[^>]*>[\s\S]*storage is full/);

    // Admin writes through the JSON API too.
    const create = await request(`${url}/api/admin/polls`, {
      method: 'POST',
      json: { slug: 'another', question: 'Another?', options: ['A', 'B'] },
      token: ADMIN_TOKEN,
    });
    expect(create.status).toBe(503);
    expect(create.body.error.code).toBe('storage_unavailable');
    expect(create.headers.get('retry-after')).toBe('30');

    // One line for the outage, not a stack per request.
    expect(server!.output().match(failingLine)).toHaveLength(1);
    expect(server!.output()).not.toMatch(/SqliteError|Unhandled error|^\s+at /m);

    rmSync(fillerPath());
    expect((await castVote()).status).toBe(201);
    expect((await castVote()).status).toBe(201);
    const healthy = await request(`${url}/healthz`);
    expect(healthy.status).toBe(200);
    expect(healthy.body).toEqual({ status: 'ok' });
    expect(server!.output().match(recoveredLine)).toHaveLength(1);
    expect(server!.output().match(failingLine)).toHaveLength(1);

    expect([...statuses].sort()).toEqual([201, 503]);
    const results = await request(`${url}/api/polls/${SLUG}/results`);
    expect(results.body.totalResponses).toBe(acknowledged);

    // After a clean stop, the file is sound and the tallies agree with the vote log.
    await server!.stop();
    await withDatabase(server!.databaseUrl, async ({ db, store }) => {
      expect(db.$client.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(await store.recount(false)).toEqual([]);
    });
  });
});
