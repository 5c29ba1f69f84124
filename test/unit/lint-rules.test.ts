/**
 * The lint rules that guard security and layering, shown to bite: each snippet must be refused
 * by eslint.config.js at the path named (the snippets are linted in memory, never written).
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('banned escape hatches', () => {
  it.each([
    ['src/components/Probe.astro', '---\nconst text = Astro.props.text;\n---\n<p set:html={text} />\n'],
    [
      'src/components/Probe.astro',
      '---\nconst color = "red";\n---\n<style define:vars={{ color }}>p{color:var(--color)}</style>\n',
    ],
    ['db/probe.ts', "import { sql } from 'drizzle-orm';\nexport const q = (s: string) => sql.raw(s);\n"],
    ['src/scripts/probe.ts', 'export const show = (el: HTMLElement, s: string) => {\n  el.innerHTML = s;\n};\n'],
    [
      'src/scripts/probe.ts',
      "export const show = (el: HTMLElement, s: string) => el.insertAdjacentHTML('beforeend', s);\n",
    ],
    ['src/scripts/probe.ts', 'export const show = (s: string) => document.write(s);\n'],
  ])('%s: %j is refused', async (path, code) => {
    expect((await problems(code, path)).some((p) => p.startsWith('no-restricted-syntax'))).toBe(true);
  });
});

describe('the layering rule', () => {
  it.each([
    ["import { json } from '@/http/responses';\nexport const x = json;\n"],
    ["import type { APIRoute } from 'astro';\nexport type X = APIRoute;\n"],
    ["import { createDb } from '../../db/client';\nexport const x = createDb;\n"],
    ["import { app } from '@/app';\nexport const x = app;\n"],
  ])('keeps the domain framework-free: %j is refused in src/lib', async (code) => {
    expect((await problems(code, 'src/lib/probe.ts')).some((p) => p.startsWith('no-restricted-imports'))).toBe(true);
  });

  it('lets the domain use zod from astro/zod', async () => {
    expect(
      await problems("import { z } from 'astro/zod';\nexport const s = z.string();\n", 'src/lib/probe.ts'),
    ).toEqual([]);
  });

  it('keeps the database behind the composition root', async () => {
    const code = "import { createDb } from '../../db/client';\nexport const x = createDb;\n";
    expect((await problems(code, 'src/http/probe.ts')).some((p) => p.startsWith('no-restricted-imports'))).toBe(true);
  });
});
