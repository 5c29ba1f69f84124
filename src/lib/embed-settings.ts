/**
 * The site-wide list of origins allowed to frame widgets, kept by admins in the settings table
 * (src/pages/admin/embedding.astro), and the frame-ancestors sources a widget answers with.
 */
import { z } from 'astro/zod';
import { frameAncestorSources, parseStoredOrigins, SITE_AUDIT_KEY, SITE_EMBED_ORIGINS_SETTING } from './embed-origins';
import { PollInputError } from './poll-admin';
import { embedOriginList, fieldErrors } from './schemas';
import type { PollStore } from './store';
import type { PollRecord } from './types';

/** The site-wide list, normalised ([] when never set). */
export async function siteEmbedOrigins(store: Pick<PollStore, 'readSetting'>): Promise<string[]> {
  return parseStoredOrigins(await store.readSetting(SITE_EMBED_ORIGINS_SETTING));
}

const siteListSchema = z.object({ embedOrigins: embedOriginList }).strict();

/**
 * Replaces the site-wide list with `entries` (as typed or ticked) and audits the change; refused
 * whole (PollInputError on "embedOrigins", a 422) when any entry is not an origin — nothing is
 * stored then. Returns the list as stored.
 */
export async function saveSiteEmbedOrigins(
  store: Pick<PollStore, 'writeSetting'>,
  entries: string[],
  now: number,
  actor: string,
): Promise<string[]> {
  const parsed = siteListSchema.safeParse({ embedOrigins: entries });
  if (!parsed.success) throw new PollInputError(fieldErrors(parsed.error));
  const list = parsed.data.embedOrigins;
  await store.writeSetting(SITE_EMBED_ORIGINS_SETTING, list.join(' '), {
    now,
    auditKey: SITE_AUDIT_KEY,
    audit: {
      actor,
      action: 'embed_origins',
      details: list.length > 0 ? list.join(' ') : 'none (any site when EMBED_ALLOWED_ORIGINS is unset)',
    },
  });
  return list;
}

/**
 * The frame-ancestors sources of a widget page: EMBED_ALLOWED_ORIGINS with the site-wide list
 * and, for a poll's widget, the poll's own (the rules: frameAncestorSources).
 */
export async function widgetFrameAncestors(
  app: { config: { embedAllowedOrigins: string[] }; store: Pick<PollStore, 'readSetting'> },
  poll: Pick<PollRecord, 'embedOrigins'> | null,
): Promise<string[]> {
  return frameAncestorSources(
    app.config.embedAllowedOrigins,
    await siteEmbedOrigins(app.store),
    poll?.embedOrigins ?? [],
  );
}
