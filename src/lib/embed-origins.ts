/**
 * Who may frame a widget: the operator's EMBED_ALLOWED_ORIGINS, the site-wide list an admin
 * keeps, and a poll's own list. Entries are origins (`https://intranet.example.com`) or
 * subdomain patterns (`https://*.sharepoint.com`) — exactly what a CSP `frame-ancestors` source
 * may say, so the header is built from them without rewriting.
 */

/** The most entries one list may hold (a header stays well under proxies' 8 KB limits). */
export const MAX_EMBED_ORIGINS = 30;

const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const ORIGIN_PATTERN = new RegExp(`^https?://(?:\\*\\.)?${HOST_LABEL}(?:\\.${HOST_LABEL})*(?::\\d{1,5})?$`);

/**
 * The entry as the header will carry it (lower case, no trailing slash), or null when it is not
 * an http(s) origin or `scheme://*.domain` pattern: no paths, no bare `*`, no wildcard at a top
 * level domain (`https://*.com` would let every site frame the widget).
 */
export function normaliseEmbedOrigin(entry: string): string | null {
  const value = entry.trim().toLowerCase().replace(/\/$/, '');
  if (!ORIGIN_PATTERN.test(value)) return null;
  const host = value.replace(/^https?:\/\//, '').replace(/:\d+$/, '');
  if (host.startsWith('*.') && !host.slice(2).includes('.')) return null;
  const port = /:(\d+)$/.exec(value)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return null;
  return value;
}
