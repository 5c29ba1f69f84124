/**
 * A small authenticating proxy for the `person` policy's tests, doing what oauth2-proxy,
 * Authelia or an IIS front door do in front of Peer Polls: it decides who the visitor is, removes
 * whatever sign-on headers the visitor sent (a visitor must never name themselves), sets its own,
 * appends the visitor's address to X-Forwarded-For, and forwards to the built server from its own
 * loopback address (127.0.0.2 by default), which the server lists in TRUSTED_PROXIES — so a
 * client reaching the server directly from 127.0.0.1 is not the proxy.
 *
 * Who is signed in: the test's stand-in for the proxy's session cookie is the `x-test-login`
 * header (absent: nobody signed in, forwarded without a user, as a proxy's bypass rule would);
 * `x-test-attribute-<name>` headers give the directory's attributes (department, role, …).
 */
import { createServer, request as forward, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SignOnProxy {
  /** The proxy's own address: what a browser on the intranet would open. */
  url: string;
  close(): Promise<void>;
}

export interface SignOnProxyOptions {
  /** The built server (RunningServer.url). */
  target: string;
  /** AUTH_USER_HEADER as the server is configured. */
  userHeader?: string;
  /** Attribute name → header, as AUTH_ATTRIBUTE_HEADERS (e.g. { department: 'x-forwarded-department' }). */
  attributeHeaders?: Record<string, string>;
  /** The loopback address the proxy connects from (the server's TRUSTED_PROXIES). */
  localAddress?: string;
}

export const LOGIN_HEADER = 'x-test-login';
const ATTRIBUTE_PREFIX = 'x-test-attribute-';

export async function startSignOnProxy({
  target,
  userHeader = 'x-forwarded-user',
  attributeHeaders = {},
  localAddress = '127.0.0.2',
}: SignOnProxyOptions): Promise<SignOnProxy> {
  const upstream = new URL(target);
  const signOnHeaders = [userHeader, ...Object.values(attributeHeaders)].map((h) => h.toLowerCase());
  const server: Server = createServer((req, res) => {
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      // The visitor's own sign-on headers are dropped: only the proxy speaks for who signed in.
      if (signOnHeaders.includes(name) || name === LOGIN_HEADER || name.startsWith(ATTRIBUTE_PREFIX)) continue;
      headers[name] = value;
    }
    const login = req.headers[LOGIN_HEADER];
    if (typeof login === 'string') {
      headers[userHeader.toLowerCase()] = login;
      for (const [attribute, header] of Object.entries(attributeHeaders)) {
        const value = req.headers[`${ATTRIBUTE_PREFIX}${attribute.toLowerCase()}`];
        if (typeof value === 'string') headers[header.toLowerCase()] = value;
      }
    }
    const client = req.socket.remoteAddress ?? '';
    const before = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = before ? `${String(before)}, ${client}` : client;
    const outgoing = forward(
      {
        host: upstream.hostname,
        port: upstream.port,
        localAddress,
        method: req.method,
        path: req.url,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    outgoing.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(outgoing);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
