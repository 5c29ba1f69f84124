// @ts-check
/**
 * Lint rules, including the one layering rule (see ARCHITECTURE.md): the domain in src/lib is
 * framework-free — it imports neither Astro (zod aside) nor the HTTP glue nor the database —
 * and only the composition root (src/app.ts) opens the database.
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import astro from 'eslint-plugin-astro';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Escape hatches around escaping and bound parameters: user text only through interpolation. */
const RAW_HTML_AND_SQL = [
  {
    selector: "CallExpression[callee.object.name='sql'][callee.property.name='raw']",
    message: 'sql.raw bypasses bound parameters; build SQL with the sql`` template.',
  },
  {
    selector: 'AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]',
    message: 'Set textContent or build nodes; never parse strings as HTML.',
  },
  {
    selector: "CallExpression[callee.property.name='insertAdjacentHTML']",
    message: 'Build nodes instead of parsing strings as HTML.',
  },
  {
    selector: "CallExpression[callee.object.name='document'][callee.property.name=/^write(ln)?$/]",
    message: 'document.write parses strings as HTML.',
  },
  {
    selector: "JSXAttribute[name.namespace.name='set'][name.name.name='html']",
    message: 'set:html renders unescaped HTML; interpolate text instead.',
  },
  {
    selector: "JSXAttribute[name.namespace.name='define'][name.name.name='vars']",
    message: 'define:vars inlines values into scripts and styles; pass data through data-* attributes.',
  },
];

const DATABASE = {
  group: ['**/db', '**/db/*', '!**/src/**'],
  message: 'Only the composition root (src/app.ts) opens the database; use the store interfaces in src/lib/store.ts.',
};
const HTTP_GLUE = {
  group: ['@/http/*', '../http/*', '@/app', '@/middleware', '@/server'],
  message: 'The domain (src/lib) knows nothing of HTTP; move the code to src/http or pass plain values.',
};
const ASTRO = {
  regex: '^(astro(:|/(?!zod$)|$)|@astrojs/)',
  message: 'The domain (src/lib) is framework-free (zod from astro/zod aside).',
};

export default defineConfig(
  { ignores: ['dist/', '.astro/', 'node_modules/', 'db/migrations/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...astro.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', ...RAW_HTML_AND_SQL],
    },
  },
  {
    // Browser code: the widget's and the chart's scripts, and the loader served as /embed.js.
    files: ['src/scripts/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['src/lib/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DATABASE, HTTP_GLUE, ASTRO] }] },
  },
  {
    files: ['src/http/**', 'src/pages/**', 'src/components/**', 'src/layouts/**', 'src/middleware.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DATABASE] }] },
  },
  {
    files: ['db/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ ...HTTP_GLUE, message: 'The data layer knows nothing of HTTP.' }, ASTRO] },
      ],
    },
  },
);
