import { fileURLToPath } from 'node:url';

/**
 * Every test run — `npm test`, a bare `npx vitest`, the browser tests — uses a time zone far
 * from UTC with a half-hour offset, so code that forgets a time zone fails loudly. Set before
 * any worker starts; the workers and the servers the tests spawn inherit it.
 */
process.env.TZ = 'Asia/Kathmandu';

/** The `@/` import alias, as in tsconfig.json (Astro reads it there). */
export const alias = { '@': fileURLToPath(new URL('./src', import.meta.url)) };
