/**
 * Content coding: which bodies are worth compressing, which coding the client takes, and the
 * compression itself (on zlib's thread pool, so a big page never stalls the event loop).
 */
import { promisify } from 'node:util';
import {
  brotliCompress,
  constants,
  createBrotliCompress,
  createGzip,
  gzip,
  type Gzip,
  type BrotliCompress,
} from 'node:zlib';

export type Coding = 'br' | 'gzip';

/**
 * Text formats we send. Images other than SVG, fonts and archives are compressed already;
 * text/event-stream is never listed (each event must reach the client when written).
 */
const COMPRESSIBLE = new Set([
  'text/html',
  'text/css',
  'text/csv',
  'text/plain',
  'text/javascript',
  'application/javascript',
  'application/json',
  'application/manifest+json',
  'image/svg+xml',
]);

/** Below this, the coding's own overhead (headers, framing) eats most of what it saves. */
export const MIN_COMPRESSIBLE_BYTES = 1024;

export function isCompressible(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const semicolon = contentType.indexOf(';');
  const type = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return COMPRESSIBLE.has(type);
}

/**
 * The coding to answer an Accept-Encoding with: the acceptable one (q > 0) with the highest q,
 * brotli on a tie (smaller for the same text), or null for the identity. `*` stands for any
 * coding not named; a coding named with q=0 is refused even if `*` would allow it.
 */
export function negotiate(acceptEncoding: string | string[] | undefined): Coding | null {
  if (!acceptEncoding) return null;
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding;
  let br: number | undefined;
  let gz: number | undefined;
  let any: number | undefined;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';');
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param);
      if (match) q = Number(match[1]);
    }
    if (!Number.isFinite(q) || q < 0 || q > 1) continue;
    const coding = name.trim().toLowerCase();
    if (coding === 'br') br = q;
    else if (coding === 'gzip' || coding === 'x-gzip') gz = q;
    else if (coding === '*') any = q;
  }
  const brQ = br ?? any ?? 0;
  const gzQ = gz ?? any ?? 0;
  if (brQ <= 0 && gzQ <= 0) return null;
  return brQ >= gzQ ? 'br' : 'gzip';
}

const BROTLI_DYNAMIC = {
  [constants.BROTLI_PARAM_QUALITY]: 5,
  [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
};
const GZIP_DYNAMIC_LEVEL = 6;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Dynamic bodies: brotli at quality 5 (measured on the 30 KB results page: 5.4 KB in about
 * 0.5 ms; quality 4 is no smaller than gzip there) and gzip at level 6. Build-time copies of
 * static files use the slow maximum settings instead (scripts/compress-assets.mjs).
 */
export function compress(body: Buffer, coding: Coding): Promise<Buffer> {
  if (coding === 'br') {
    return brotli(body, { params: { ...BROTLI_DYNAMIC, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
  }
  return gzipAsync(body, { level: GZIP_DYNAMIC_LEVEL });
}

/** The same settings as a stream, for long bodies sent as they are produced (CSV exports). */
export function compressStream(coding: Coding): Gzip | BrotliCompress {
  return coding === 'br' ? createBrotliCompress({ params: BROTLI_DYNAMIC }) : createGzip({ level: GZIP_DYNAMIC_LEVEL });
}

/** Adds `token` to a Vary value unless it (or `*`) is already there. */
export function mergeVary(existing: string | number | string[] | undefined, token: string): string {
  const current = existing === undefined ? '' : Array.isArray(existing) ? existing.join(', ') : String(existing);
  const tokens = current
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (tokens.some((t) => t === '*' || t.toLowerCase() === token.toLowerCase())) return tokens.join(', ');
  return [...tokens, token].join(', ');
}
