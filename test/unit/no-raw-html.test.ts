/**
 * A lint rule as a test: user text reaches pages only through Astro's escaping interpolation
 * and SQL only through bound parameters. These escape hatches are banned from the sources.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BANNED = [
  /set:html/,
  /define:vars/,
  /sql\.raw\(/,
  /innerHTML\s*=/,
  /outerHTML\s*=/,
  /insertAdjacentHTML/,
  /document\.write/,
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'migrations' ? [] : files(path);
    return /\.(astro|ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

describe('sources', () => {
  const sources = [...files(join(ROOT, 'src')), ...files(join(ROOT, 'db'))];

  it('exist (the scan is not vacuous)', () => {
    expect(sources.length).toBeGreaterThan(20);
  });

  it.each(BANNED.map((pattern) => [pattern.source, pattern]))('never use %s', (_name, pattern) => {
    const hits = sources.filter((file) => pattern.test(readFileSync(file, 'utf8'))).map((file) => relative(ROOT, file));
    expect(hits).toEqual([]);
  });
});
