import { describe, expect, it } from 'vitest';
import { securityHeaders } from '@/http/security-headers';

describe('securityHeaders', () => {
  it('forbids inline and evaluated scripts everywhere', () => {
    for (const path of ['/', '/embed/x']) {
      const csp = securityHeaders(path, ['*'])['Content-Security-Policy'];
      const scriptSrc = /script-src ([^;]+)/.exec(csp)![1]!;
      expect(scriptSrc).toBe("'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
    }
  });

  it('lets only the widget be framed, by the configured origins and ourselves', () => {
    expect(securityHeaders('/polls/x', ['https://a.example'])['Content-Security-Policy']).toContain(
      "frame-ancestors 'none'",
    );
    expect(securityHeaders('/embed/x', ['https://a.example'])['Content-Security-Policy']).toContain(
      "frame-ancestors 'self' https://a.example",
    );
  });

  it('isolates pages but not the widget from openers', () => {
    expect(securityHeaders('/', ['*'])['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(securityHeaders('/embed/x', ['*'])['Cross-Origin-Opener-Policy']).toBeUndefined();
  });
});
