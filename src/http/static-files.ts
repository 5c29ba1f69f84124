/**
 * Which request paths are built static files (dist/client): the hashed `/_astro/` bundles and the
 * few files from public/. Knowing them up front lets the server skip the adapter's file-system
 * lookup — a `stat` on every request — for everything else.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/client, found relative to this bundled module (the build may have moved). */
function clientDir(options: { client: string; server: string }): string {
  const serverDir = fileURLToPath(options.server);
  const toClient = relative(serverDir, fileURLToPath(options.client));
  let dir = dirname(fileURLToPath(import.meta.url));
  while (basename(dir) !== basename(serverDir) && dirname(dir) !== dir) dir = dirname(dir);
  return resolve(dir, toClient);
}

/** A predicate: is this path (without query) served from dist/client? */
export function staticPathMatcher(options: { client: string; server: string }): (path: string) => boolean {
  const dir = clientDir(options);
  const entries = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : [];
  const files = new Set(entries.filter((e) => e.isFile()).map((e) => `/${e.name}`));
  const folders = entries.filter((e) => e.isDirectory()).map((e) => `/${e.name}/`);
  return (path) => files.has(path) || folders.some((folder) => path.startsWith(folder));
}
