import { json, methodNotAllowed } from '@/http/responses';
import { openApiDocument } from '@/lib/openapi';
import type { APIRoute } from 'astro';

/** The OpenAPI 3.1 document of this API, generated from the zod schemas. */
export const GET: APIRoute = () => json(openApiDocument(), 200, { 'Cache-Control': 'public, max-age=300' });

export const ALL = methodNotAllowed('GET');
