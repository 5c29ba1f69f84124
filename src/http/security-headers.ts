/**
 * Response headers every answer carries. One function builds them, used both by the server
 * wrapper (so static assets get them too) and by the middleware (which knows the route).
 */

/**
 * Strict CSP: scripts only from our origin (Astro bundles every script to a file), no plugins,
 * no <base> tricks, forms only to ourselves. Inline *style attributes* stay allowed: result
 * bars are widths set in markup, and CSS cannot run code.
 */
export function contentSecurityPolicy(frameAncestors: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/** Who may frame a path: the widget by the configured origins (and us), anything else nobody. */
export function frameAncestorsFor(pathname: string, embedAllowedOrigins: readonly string[]): string {
  return pathname.startsWith('/embed/') ? `'self' ${embedAllowedOrigins.join(' ')}` : "'none'";
}

export function securityHeaders(pathname: string, embedAllowedOrigins: readonly string[]): Record<string, string> {
  const embed = pathname.startsWith('/embed/');
  return {
    'Content-Security-Policy': contentSecurityPolicy(frameAncestorsFor(pathname, embedAllowedOrigins)),
    'X-Content-Type-Options': 'nosniff',
    // The widget may carry its device token in its URL: never send that to another site. (Not
    // "no-referrer": that makes browsers send `Origin: null` on the widget's own form post.)
    'Referrer-Policy': embed ? 'same-origin' : 'strict-origin-when-cross-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()',
    // Isolates our pages from windows they open or that open them. Not on the widget: it lives
    // inside other sites' pages, and its "full results" link opens with noopener anyway.
    ...(embed ? {} : { 'Cross-Origin-Opener-Policy': 'same-origin' }),
  };
}
