/**
 * Which request paths are built static files (dist/client): the hashed `/_astro/` bundles and the
 * few files from public/. Knowing them up front lets the server skip the adapter's file-system
 * lookup — a `stat` on every request — for everything else.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/client, found relative to this bundled module (the build may have moved). */
function clientDir(options: { client: string; server: string }): string {
  const serverDir = fileURLToPath(options.server);
  const toClient = relative(serverDir, fileURLToPath(options.client));
  let dir = dirname(fileURLToPath(import.meta.url));
  while (basename(dir) !== basename(serverDir) && dirname(dir) !== dir) dir = dirname(dir);
  return resolve(dir, toClient);
}

/**
 * A predicate: is this path (without query) a file in dist/client? Exact paths, listed once at
 * start (the build does not change under a running server): a missing `/_astro/…` file is the
 * app's 404, answered with everything the app knows about the request.
 */
export function staticPathMatcher(options: { client: string; server: string }): (path: string) => boolean {
  const dir = clientDir(options);
  const files = new Set<string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.add(`/${relative(dir, path).split(sep).join('/')}`);
    }
  };
  if (existsSync(dir)) walk(dir);
  return (path) => files.has(path);
}
