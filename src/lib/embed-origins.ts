/**
 * Who may frame a widget: the operator's EMBED_ALLOWED_ORIGINS, the site-wide list an admin
 * keeps, and a poll's own list. Entries are origins (`https://intranet.example.com`) or
 * subdomain patterns (`https://*.sharepoint.com`) — exactly what a CSP `frame-ancestors` source
 * may say, so the header is built from them without rewriting.
 */

/**
 * The most entries one list may hold, and the longest entry: the site-wide and a poll's list
 * together then add at most about 4 KB to the widget's CSP header, well under the 8 KB a proxy
 * such as nginx buffers by default (an attack review reached 12 KB with 30 entries of 200).
 */
export const MAX_EMBED_ORIGINS = 20;
export const MAX_EMBED_ORIGIN_LENGTH = 100;

const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const ORIGIN_PATTERN = new RegExp(`^https?://(?:\\*\\.)?${HOST_LABEL}(?:\\.${HOST_LABEL})*(?::\\d{1,5})?$`);

/**
 * The entry as the header will carry it (lower case, no trailing slash), or null when it is not
 * an http(s) origin or `scheme://*.domain` pattern: no paths, no bare `*`, no wildcard at a top
 * level domain (`https://*.com` would let every site frame the widget).
 */
export function normaliseEmbedOrigin(entry: string): string | null {
  const value = entry.trim().toLowerCase().replace(/\/$/, '');
  if (value.length > MAX_EMBED_ORIGIN_LENGTH) return null;
  if (!ORIGIN_PATTERN.test(value)) return null;
  const host = value.replace(/^https?:\/\//, '').replace(/:\d+$/, '');
  if (host.startsWith('*.') && !host.slice(2).includes('.')) return null;
  const port = /:(\d+)$/.exec(value)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return null;
  return value;
}

/** The settings row that holds the site-wide list an admin keeps (origins separated by spaces). */
export const SITE_EMBED_ORIGINS_SETTING = 'embed_allowed_origins';

/** The audit key of site-wide changes (audit rows are keyed by poll slug otherwise). */
export const SITE_AUDIT_KEY = 'site:embedding';

/**
 * Intranet hosts an admin can allow with one tick: the origins each one frames its content
 * from, as its vendor documents them (sources in the README's "Intranet hosts" section).
 */
export const EMBED_PRESETS = [
  {
    id: 'sharepoint',
    label: 'SharePoint Online',
    origins: ['https://*.sharepoint.com'],
  },
  {
    id: 'teams',
    label: 'Microsoft Teams tabs',
    origins: ['https://teams.microsoft.com', 'https://*.teams.microsoft.com', 'https://*.cloud.microsoft'],
  },
  {
    id: 'confluence',
    label: 'Confluence Cloud',
    origins: ['https://*.atlassian.net'],
  },
] as const satisfies readonly { id: string; label: string; origins: readonly string[] }[];

/** Entries as typed: separated by spaces, commas or line breaks; empty pieces dropped. */
export function splitOriginList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** A stored site-wide list (as the setting holds it), each entry normalised; unreadable ones dropped. */
export function parseStoredOrigins(value: string | null): string[] {
  return unique(
    splitOriginList(value ?? '').flatMap((entry) => {
      const origin = normaliseEmbedOrigin(entry);
      return origin === null ? [] : [origin];
    }),
  );
}

const unique = (list: readonly string[]) => [...new Set(list)];

/**
 * Who may frame a widget besides ourselves (`'self'` is always added by the header).
 *
 * - EMBED_ALLOWED_ORIGINS names origins: the operator's list is a floor the admin lists add to
 *   (env ∪ site-wide ∪ the poll's).
 * - EMBED_ALLOWED_ORIGINS unset (or `*`): the admin lists decide (site-wide ∪ the poll's); when
 *   both are empty, every site may frame the widget, as before lists existed.
 *
 * A poll's own list only ever adds to the site-wide one: an admin who edits a poll can already
 * edit the site list, so a narrower per-poll list would protect nothing.
 */
export function frameAncestorSources(
  env: readonly string[],
  site: readonly string[],
  poll: readonly string[],
): string[] {
  const admin = unique([...site, ...poll]);
  const envOpen = env.length === 0 || env.includes('*');
  if (envOpen) return admin.length > 0 ? admin : ['*'];
  return unique([...env.filter((entry) => entry !== "'self'"), ...admin]);
}

/** Which presets a list covers entirely, and the entries no ticked preset accounts for. */
export function presetsIn(list: readonly string[]): { ticked: string[]; rest: string[] } {
  const ticked = EMBED_PRESETS.filter((preset) => preset.origins.every((origin) => list.includes(origin)));
  const covered = new Set<string>(ticked.flatMap((preset) => preset.origins));
  return { ticked: ticked.map((preset) => preset.id), rest: list.filter((entry) => !covered.has(entry)) };
}
