/**
 * Build step after `astro build`: writes a brotli (quality 11) and a gzip (level 9) copy next to
 * every compressible file in dist/client, so the server sends static files compressed at the
 * strongest settings without compressing anything per request (src/http/static-files.ts reads
 * which copies exist once, at start). A copy that does not save at least 10 % is not written —
 * the original is sent instead. Stale copies of an earlier build are removed first.
 *
 * Usage: node scripts/compress-assets.mjs [dist/client]
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Kept in step with COMPRESSIBLE in src/http/compress.ts (by extension here). */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.json', '.map', '.webmanifest', '.txt', '.csv', '.svg']);
const MIN_SAVING = 0.1;
const MIN_BYTES = 1024;

const root = process.argv[2] ?? join(import.meta.dirname, '..', 'dist', 'client');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

const all = [...files(root)];
const originals = all.filter((path) => COMPRESSIBLE.has(extname(path).toLowerCase()));
const isOriginal = new Set(originals);
for (const path of all) {
  const copyOf = path.replace(/\.(br|gz)$/, '');
  if (copyOf !== path && isOriginal.has(copyOf)) rmSync(path);
}

let before = 0;
let after = 0;
let written = 0;
for (const path of originals) {
  const body = readFileSync(path);
  const size = statSync(path).size;
  before += size;
  if (size < MIN_BYTES) {
    after += size;
    continue;
  }
  const copies = {
    br: brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: size,
      },
    }),
    gz: gzipSync(body, { level: 9 }),
  };
  for (const [suffix, copy] of Object.entries(copies)) {
    if (copy.length > size * (1 - MIN_SAVING)) continue;
    writeFileSync(`${path}.${suffix}`, copy);
    written += 1;
  }
  after += Math.min(size, ...Object.values(copies).map((copy) => copy.length));
}
console.log(
  `compress-assets: ${written} copies for ${originals.length} files in ${relative(process.cwd(), root) || '.'}; ` +
    `${(before / 1024).toFixed(0)} KB → ${(after / 1024).toFixed(0)} KB as brotli`,
);
