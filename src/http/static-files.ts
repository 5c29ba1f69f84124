/**
 * The built static files (dist/client: the hashed `/_astro/` bundles and the few files from
 * public/), served by the server itself. Everything about them is read once at start — which
 * paths exist, their bytes, their brotli and gzip copies written by `npm run build`
 * (scripts/compress-assets.mjs), their validators — since the build does not change under a
 * running server: a request costs no file-system call, and a path that is not a file here goes
 * to the app (whose 404 knows everything about the request) without a `stat`.
 *
 * The copies are chosen by Accept-Encoding (Vary says so) and keep the original's Content-Type;
 * `x.js.br` itself is not a URL of ours (a 404), never the script mislabelled. Hashed bundles
 * are cached for a year (immutable), the rest revalidated with their ETag (304). Range requests
 * are served from the unencoded file (one range; several are answered whole, as RFC 9110 allows).
 */
import { createHash } from 'node:crypto';
import { DISK_STREAMS } from './connection-limit';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { isCompressible, negotiate, type Coding } from './compress';
import { noneMatch } from './send';

/** dist/client, found relative to this bundled module (the build may have moved). */
function clientDir(options: { client: string; server: string }): string {
  const serverDir = fileURLToPath(options.server);
  const toClient = relative(serverDir, fileURLToPath(options.client));
  let dir = dirname(fileURLToPath(import.meta.url));
  while (basename(dir) !== basename(serverDir) && dirname(dir) !== dir) dir = dirname(dir);
  return resolve(dir, toClient);
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
  '.gz': 'application/gzip',
};
const typeOf = (path: string) => TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';

/** Held in memory up to this size each (the whole of dist/client is a few hundred KB). */
const MAX_IN_MEMORY_BYTES = 1024 * 1024;

/** One stored form of a file: its bytes (or, if large, where they are), length and validator. */
interface Representation {
  body: Buffer | null;
  file: string;
  size: number;
  etag: string;
}

interface StaticFile {
  type: string;
  cacheControl: string;
  identity: Representation;
  encoded: Partial<Record<Coding, Representation>>;
}

const CODING_SUFFIX: Record<Coding, string> = { br: '.br', gzip: '.gz' };

function represent(file: string, tagSuffix = ''): Representation {
  const { size, mtimeMs } = statSync(file);
  if (size > MAX_IN_MEMORY_BYTES) {
    // Not read: a validator from size and time, like other static servers.
    return { body: null, file, size, etag: `"${size.toString(36)}-${Math.floor(mtimeMs).toString(36)}${tagSuffix}"` };
  }
  const body = readFileSync(file);
  const digest = createHash('sha1').update(body).digest('base64url').slice(0, 22);
  return { body, file, size, etag: `"${digest}${tagSuffix}"` };
}

export interface StaticFiles {
  /** Is this path (without query) a file we serve? */
  has(path: string): boolean;
  serve(req: IncomingMessage, res: ServerResponse, path: string): void;
}

export function staticFiles(options: { client: string; server: string; assets?: string }): StaticFiles {
  const dir = clientDir(options);
  const paths: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) paths.push(`/${relative(dir, path).split(sep).join('/')}`);
    }
  };
  if (existsSync(dir)) walk(dir);
  const present = new Set(paths);
  // `x.js.br` and `x.js.gz` are copies of x.js, not files of their own.
  const isCopy = (path: string) =>
    Object.values(CODING_SUFFIX).some(
      (suffix) =>
        path.endsWith(suffix) &&
        present.has(path.slice(0, -suffix.length)) &&
        isCompressible(typeOf(path.slice(0, -suffix.length))),
    );
  const hashed = `/${options.assets ?? '_astro'}/`;
  const files = new Map<string, StaticFile>();
  for (const path of paths) {
    if (isCopy(path)) continue;
    const type = typeOf(path);
    const disk = join(dir, ...path.slice(1).split('/'));
    const identity = represent(disk);
    const encoded: StaticFile['encoded'] = {};
    if (isCompressible(type)) {
      for (const [coding, suffix] of Object.entries(CODING_SUFFIX) as [Coding, string][]) {
        if (present.has(path + suffix)) encoded[coding] = represent(disk + suffix, `-${coding}`);
      }
    }
    files.set(path, {
      type,
      // Hashed names change with their content: cache them for good. Others keep their name
      // across builds: the browser asks again each time, and the ETag makes that a 304.
      cacheControl: path.startsWith(hashed) ? 'public, max-age=31536000, immutable' : 'public, max-age=0',
      identity,
      encoded,
    });
  }

  return {
    has: (path) => files.has(path),
    serve(req, res, path) {
      serveFile(req, res, files.get(path)!);
    },
  };
}

/** One byte range of a `size`-byte body from a Range header, 'unsatisfiable', or null (serve it whole). */
function byteRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    if (start >= size) return 'unsatisfiable';
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (end < start) return null;
  }
  return { start, end };
}

function serveFile(req: IncomingMessage, res: ServerResponse, file: StaticFile): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, {
      Allow: 'GET, HEAD',
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end(JSON.stringify({ error: { code: 'method_not_allowed', message: 'A file only answers GET and HEAD.' } }));
    return;
  }
  const headers: OutgoingHttpHeaders = {
    'Content-Type': file.type,
    'Cache-Control': file.cacheControl,
  };
  const hasCopies = Object.keys(file.encoded).length > 0;
  if (hasCopies) headers.Vary = 'Accept-Encoding';

  // A range is a range of the unencoded bytes: asked for, it is served from those.
  const rangeHeader = req.headers.range;
  const ifRange = req.headers['if-range'];
  const wantsRange = rangeHeader !== undefined && (ifRange === undefined || ifRange === file.identity.etag);
  const coding = wantsRange ? null : negotiate(req.headers['accept-encoding']);
  const chosen = (coding && file.encoded[coding]) || file.identity;
  headers.ETag = chosen.etag;
  if (chosen !== file.identity) headers['Content-Encoding'] = coding!;

  if (noneMatch(req.headers['if-none-match'], chosen.etag)) {
    const { 'Content-Type': _type, ...validators } = headers;
    res.writeHead(304, validators);
    res.end();
    return;
  }

  let range: { start: number; end: number } | null = null;
  if (wantsRange) {
    const parsed = byteRange(rangeHeader, chosen.size);
    if (parsed === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${chosen.size}`, 'Content-Length': 0 });
      res.end();
      return;
    }
    range = parsed;
  }
  // Past DISK_STREAMS files open at once, a large file waits for a later request: the descriptors
  // beyond them belong to connections (src/http/connection-limit.ts counts on it).
  if (!chosen.body && diskStreams >= DISK_STREAMS && req.method !== 'HEAD') {
    res.writeHead(503, { ...headers, 'Retry-After': '5', 'Content-Length': 0, 'Cache-Control': 'no-store' });
    res.end();
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? chosen.size - 1;
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${chosen.size}`;
  headers['Content-Length'] = chosen.size === 0 ? 0 : end - start + 1;
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD' || chosen.size === 0) return void res.end();
  if (chosen.body) return void res.end(range ? chosen.body.subarray(start, end + 1) : chosen.body);
  // A large file streams from disk; the stream closes with the connection (a client hanging up).
  diskStreams++;
  pipeline(createReadStream(chosen.file, { start, end }), res, () => diskStreams--);
}

/** Large files being sent from disk now (each holds a descriptor). */
let diskStreams = 0;
