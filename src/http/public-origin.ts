/**
 * The origin visitors use to reach this server, for absolute URLs (oEmbed, snippets, discovery).
 * Astro rebuilds request URLs with a "localhost" host unless domains are configured ahead, so
 * the origin is read from Host (or X-Forwarded-Host/-Proto behind a trusted proxy).
 */
import { lastForwarded, requestHost, type HeaderGetter } from './origin-checks';

/**
 * `request` is anything with headers (a Web Request, or the node:http layer's view of one); `url`
 * the URL the request was built with, used only when the headers name no valid host.
 */
export function publicOrigin(
  request: { headers: HeaderGetter },
  url: Pick<URL, 'protocol' | 'host' | 'origin'>,
  trustProxy: boolean,
): string {
  const forwardedProto = trustProxy ? lastForwarded(request.headers, 'x-forwarded-proto') : undefined;
  const protocol =
    forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : url.protocol.replace(':', '');
  const host = requestHost(request.headers, trustProxy) ?? url.host;
  // A Host header that is not a plain host[:port] falls back to the URL Astro built.
  return /^[a-z0-9.[\]:-]+$/i.test(host) ? `${protocol}://${host.toLowerCase()}` : url.origin;
}

/**
 * HTTPS, or a loopback host: the origins browsers treat as "potentially trustworthy" (W3C Secure
 * Contexts), where they accept `Secure` cookies — and so partitioned ones.
 */
export function isPotentiallyTrustworthy(origin: string): boolean {
  const { protocol, hostname } = new URL(origin);
  if (protocol === 'https:') return true;
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    /^127(?:\.\d{1,3}){3}$/.test(hostname) ||
    hostname === '[::1]'
  );
}
