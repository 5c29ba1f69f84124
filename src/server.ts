/**
 * Server entry: boots the app (configuration, migrations, demo seed) and only then lets the
 * standalone Node adapter open the port. A bad setting prints one line and exits with 1.
 */
import { createExports, start as startNodeServer } from '@astrojs/node/server.js';
import { app } from './lib/app';
import { ConfigError } from './lib/config';

export { createExports };

export function start(...args: Parameters<typeof startNodeServer>): void {
  app().then(
    () => startNodeServer(...args),
    (error: unknown) => {
      console.error(error instanceof ConfigError ? error.message : `Peer Polls could not start: ${String(error)}`);
      process.exit(1);
    },
  );
}
