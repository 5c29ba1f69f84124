import type { APIRoute } from 'astro';
import loader from '../scripts/embed-loader.js?raw';

/** The embed loader script for host pages. */
export const GET: APIRoute = () =>
  new Response(loader, {
    headers: {
      'Content-Type': 'text/javascript; charset=utf-8',
      // Short: hosts pick up fixes within the hour; the file is tiny.
      'Cache-Control': 'public, max-age=3600',
      'Access-Control-Allow-Origin': '*',
    },
  });
