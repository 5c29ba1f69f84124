/** Small HTTP helpers for talking to the running server like a client would. */
import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { ADMIN_TOKEN } from './server';

// Response bodies are JSON whose shape the assertions themselves check; `any` keeps them terse.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function request<T = any>(
  url: string,
  init: RequestInit & { json?: unknown; token?: string | null } = {},
): Promise<JsonResponse<T>> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  const response = await fetch(url, { ...init, headers, body, redirect: 'manual' });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    headers: response.headers,
    body: type.includes('json') && text ? JSON.parse(text) : text,
  };
}

/** Creates a poll through the admin API and returns its JSON. */
export async function createPoll(base: string, input: Record<string, unknown>): Promise<any> {
  const response = await request(`${base}/api/admin/polls`, { method: 'POST', json: input, token: ADMIN_TOKEN });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Votes through the JSON API; pass a cookie to vote as the same browser. */
export function vote(base: string, slug: string, choices: unknown, cookie?: string) {
  return request(`${base}/api/polls/${slug}/votes`, {
    method: 'POST',
    json: { choices },
    headers: cookie ? { cookie } : {},
  });
}

/** The `name=value` pair of the cookie `name` a response sets, ready for a Cookie header. */
export function cookieFrom(headers: Headers, name: string): string {
  const setCookie = headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!setCookie) throw new Error(`no ${name} cookie was set`);
  return setCookie.split(';')[0]!;
}

/** The voter cookie (`pp_voter=…`) a vote set. */
export function voterCookie(headers: Headers): string {
  return cookieFrom(headers, 'pp_voter');
}

/**
 * A browser's form post to `base + path`: an urlencoded body (as typed, or from its fields), the
 * site's own Origin as browsers send it with every POST (pass `origin` to post from elsewhere),
 * and redirects answered, not followed.
 */
export function formPost(
  base: string,
  path: string,
  body: string | Record<string, string>,
  headers: Record<string, string> = {},
) {
  return request(`${base}${path}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : new URLSearchParams(body).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, ...headers },
  });
}

/** Logs in to the admin UI through its form; returns the session cookie (`pp_admin=…`). */
export async function loginAsAdmin(base: string, password: string): Promise<string> {
  const response = await formPost(base, '/admin', { password });
  if (response.status !== 303) throw new Error(`admin login failed: ${response.status}`);
  return cookieFrom(response.headers, 'pp_admin');
}

/** What requestFrom and rawRequest send: a method, headers and a text body. */
export interface NodeRequestInit {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over node:http, which can do what fetch cannot (see requestFrom, rawRequest). */
function nodeRequest(url: string, options: RequestOptions, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A request from a chosen loopback source address (127.0.0.2, 127.0.0.3, …) — node:http can
 * bind the client side, which fetch cannot — so tests can be "different networks".
 */
export async function requestFrom(
  localAddress: string,
  url: string,
  { method = 'GET', headers = {}, body }: NodeRequestInit = {},
): Promise<JsonResponse> {
  const response = await nodeRequest(url, { method, headers, localAddress }, body);
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, v);
  }
  const isJson = (response.headers['content-type'] ?? '').includes('json');
  return {
    status: response.status,
    headers: responseHeaders,
    body: isJson && response.body ? JSON.parse(response.body) : response.body,
  };
}

/**
 * A request on a connection of its own with the path exactly as written: fetch would normalise
 * `//`, `%61`, `..` and backslashes before sending.
 */
export function rawRequest(
  base: string,
  path: string,
  { method = 'GET', headers = {}, body }: NodeRequestInit = {},
): Promise<RawResponse> {
  return nodeRequest(`${base}/`, { method, path, headers, agent: false }, body);
}

/** A JSON vote from a loopback source address with a chosen user agent and optional cookie. */
export function voteFrom(
  localAddress: string,
  base: string,
  slug: string,
  choices: string[],
  extra: Record<string, string> = {},
) {
  return requestFrom(localAddress, `${base}/api/polls/${slug}/votes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'test-browser/1.0', ...extra },
    body: JSON.stringify({ choices }),
  });
}

/** An admin login form post from a loopback source address (no Origin, like a script's). */
export function loginFrom(
  localAddress: string,
  base: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  return requestFrom(localAddress, `${base}/admin`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: `password=${encodeURIComponent(password)}`,
  });
}
