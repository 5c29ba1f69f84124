/**
 * Shared by the live results browser tests (the widget's and the results page's): the poll they
 * watch, where screenshots go, and a server that can be restarted on the same port.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { freePort, startServer, type RunningServer } from './server';
import { tempDir } from './temp-db';

/** Screenshots for people to look at (not asserted): set SHOTS_DIR to keep them. */
export const SHOTS_DIR = process.env.SHOTS_DIR;
if (SHOTS_DIR) mkdirSync(SHOTS_DIR, { recursive: true });

/** Every vote counts and results are always shown: each vote changes what a watcher sees. */
export const LIVE_POLL = {
  question: 'Should standups be async?',
  options: ['Yes', 'No', 'Sometimes'],
  resultsVisibility: 'always',
  duplicatePolicy: 'none',
};

/** Phone and desktop, light and dark, each once, in an order that changes both at each step. */
export const LOOKS = [
  { scheme: 'light', width: 390 },
  { scheme: 'dark', width: 1280 },
  { scheme: 'light', width: 1280 },
  { scheme: 'dark', width: 390 },
] as const;

export interface RestartableServer {
  readonly url: string;
  /** SIGTERM (the server ends its open streams and exits), then the same database on the same port. */
  restart(): Promise<void>;
}

/** Runs `use` with a server of its own that it may restart; stops it and removes its files after. */
export async function withRestartableServer(use: (server: RestartableServer) => Promise<void>): Promise<void> {
  const port = await freePort();
  const dir = tempDir();
  let running: RunningServer | undefined = await startServer({ port, dir });
  const url = running.url;
  try {
    await use({
      url,
      restart: async () => {
        await running!.stop();
        running = undefined;
        running = await startServer({ port, dir });
      },
    });
  } finally {
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
