/**
 * Starts the *built* server (dist/server/entry.mjs) on a free loopback port with its own
 * temporary database, and talks to it over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, dropTestDatabase, onPostgres, testDatabaseUrl } from './postgres';
import { tempDir } from './temp-db';

/** The voter-key secret of servers on PostgreSQL (where it must come from the environment). */
export const TEST_VOTER_KEY_SECRET = 'test-voter-key-secret-0123456789abcdef';

export const ROOT = join(import.meta.dirname, '..', '..');
const ENTRY = join(ROOT, 'dist', 'server', 'entry.mjs');
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  databaseUrl: string;
  dir: string;
  process: ChildProcess;
  output(): string;
  /** Graceful stop (SIGTERM) and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL: the process gets no chance to flush anything. */
  kill(): Promise<void>;
  /** Deletes the temporary database folder. */
  cleanup(): void;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a database folder (restart after a crash). */
  dir?: string;
  /** Listen on this port (a restart where clients expect the same address); default: a free one. */
  port?: number;
}

export async function startServer({ env = {}, dir = tempDir(), port }: StartOptions = {}): Promise<RunningServer> {
  if (!existsSync(ENTRY)) throw new Error('dist/server/entry.mjs is missing: run `npm run build` first.');
  port ??= await freePort();
  const databaseUrl = await serverDatabaseUrl(dir);
  const child = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      TZ: process.env.TZ ?? 'Asia/Kathmandu',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      SEED_DEMO: '0',
      // Tests fire requests much faster than people; the rate limit has its own tests.
      RATE_LIMIT: '0',
      ADMIN_TOKEN,
      ...(isPostgres(databaseUrl) ? { VOTER_KEY_SECRET: TEST_VOTER_KEY_SECRET } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (chunk) => (log += chunk));
  child.stderr!.on('data', (chunk) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, () => log);
  return {
    url,
    port,
    databaseUrl,
    dir,
    process: child,
    output: () => log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    cleanup() {
      dropServerDatabase(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const isPostgres = (url: string) => url.startsWith('postgres');

/** The environment a script (npm run polls, …) needs beside DATABASE_URL: PostgreSQL requires VOTER_KEY_SECRET. */
export const scriptEnv = (databaseUrl: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  DATABASE_URL: databaseUrl,
  ...(isPostgres(databaseUrl) ? { VOTER_KEY_SECRET: TEST_VOTER_KEY_SECRET } : {}),
});
/** In the `postgres` project a server folder names its database here, so a restart finds it again. */
const PG_DATABASE_FILE = 'postgres-database';

/**
 * The database of a server folder: its SQLite file, or (in the `postgres` project) a fresh
 * PostgreSQL database made on first use and named in the folder for restarts. A `prepare` hook
 * fills it through `withStores(await serverDatabaseUrl(dir), …)` before the server starts.
 */
export async function serverDatabaseUrl(dir: string): Promise<string> {
  if (!onPostgres()) return `file:${join(dir, 'peer-polls.db')}`;
  const file = join(dir, PG_DATABASE_FILE);
  if (existsSync(file)) return testDatabaseUrl(readFileSync(file, 'utf8').trim());
  const database = await createTestDatabase();
  writeFileSync(file, database.name);
  return database.url;
}

/** Drops a server folder's PostgreSQL database (in the background: cleanup stays synchronous). */
export function dropServerDatabase(dir: string): void {
  const file = join(dir, PG_DATABASE_FILE);
  if (!existsSync(file)) return;
  const name = readFileSync(file, 'utf8').trim();
  void dropTestDatabase(name).catch(() => {});
}

export interface UseServerOptions extends StartOptions {
  /** Runs on the database folder before the server starts (writes a database into it, say). */
  prepare?: (dir: string) => unknown;
  /** Runs once the server is up, before the first test (creates polls, logs in, …). */
  setup?: (server: RunningServer) => unknown;
}

/**
 * One server for the tests of a file or a `describe` block: started before the first of them
 * (beforeAll), stopped and its folder deleted after the last (afterAll). Returns a live view of
 * that server: read `server.url`, `server.output()`, … in tests and hooks — while the file is
 * collected there is no server yet, and reading one throws.
 */
export function useServer({ prepare, setup, ...options }: UseServerOptions = {}): RunningServer {
  let running: RunningServer | undefined;
  const current = (): RunningServer => {
    if (!running) throw new Error('useServer: no server is running here; read it inside a test or hook.');
    return running;
  };
  beforeAll(async () => {
    const dir = options.dir ?? tempDir();
    try {
      await prepare?.(dir);
      running = await startServer({ ...options, dir });
    } catch (error) {
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    await setup?.(running);
  });
  afterAll(async () => {
    if (!running) return;
    await running.stop();
    running.cleanup();
  });
  return {
    get url() {
      return current().url;
    },
    get port() {
      return current().port;
    },
    get databaseUrl() {
      return current().databaseUrl;
    },
    get dir() {
      return current().dir;
    },
    get process() {
      return current().process;
    },
    output: () => current().output(),
    stop: () => current().stop(),
    kill: () => current().kill(),
    cleanup: () => current().cleanup(),
  };
}

/**
 * A server for one part of a test (a second configuration, two servers at once, a restart):
 * started, handed to `use`, then stopped and its folder deleted, however `use` ends.
 */
export async function withServer<T>(options: StartOptions, use: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await startServer(options);
  try {
    return await use(server);
  } finally {
    await server.stop();
    server.cleanup();
  }
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become healthy:\n${log()}`);
}

/** Runs the server entry expecting it to exit (bad configuration); resolves with code and output. */
export function runServerExpectingExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ENTRY], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', SEED_DEMO: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
