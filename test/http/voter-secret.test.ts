/** An existing installation keeps its voters' identities when its secret moves out of the database. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { newDeviceId, signDeviceId } from '@/lib/voter';
import { LEGACY_SECRET_SETTING } from '@/lib/voter-secret';
import { createPoll, vote } from '../support/api';
import { withServer } from '../support/server';
import { tempDir, withDatabase } from '../support/temp-db';

it('moves the secret to a 0600 file on start; cookies signed before still identify their browser', async () => {
  const dir = tempDir();
  const legacy = 'legacy-secret-kept-in-the-database-0123456789';
  await withDatabase(`file:${join(dir, 'peer-polls.db')}`, ({ db }) =>
    db.$client.prepare('insert into settings (key, value) values (?, ?)').run(LEGACY_SECRET_SETTING, legacy),
  );

  await withServer({ dir }, async (server) => {
    const file = join(dir, 'peer-polls.db.voter-key');
    expect(readFileSync(file, 'utf8').trim()).toBe(legacy);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const backup = readdirSync(dir)
      .filter((name) => name !== 'peer-polls.db.voter-key')
      .map((name) => readFileSync(join(dir, name)).toString('latin1'))
      .join('');
    expect(backup).not.toContain(legacy);

    await createPoll(server.url, { slug: 'kept', question: 'Kept?', options: ['A', 'B'], duplicatePolicy: 'device' });
    const cookie = `pp_voter=${signDeviceId(legacy, newDeviceId())}`;
    const first = await vote(server.url, 'kept', ['a'], cookie);
    expect(first.status).toBe(201);
    expect(first.headers.getSetCookie().some((c) => c.startsWith('pp_voter='))).toBe(false); // accepted as valid
    expect((await vote(server.url, 'kept', ['b'], cookie)).status).toBe(409);
  });
});
