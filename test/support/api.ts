/** Small HTTP helpers for talking to the running server like a client would. */
import { request as httpRequest } from 'node:http';
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

export function voterCookie(headers: Headers): string {
  const setCookie = headers.getSetCookie().find((c) => c.startsWith('pp_voter='));
  if (!setCookie) throw new Error('no voter cookie was set');
  return setCookie.split(';')[0]!;
}

/**
 * A request from a chosen loopback source address (127.0.0.2, 127.0.0.3, …) — node:http can
 * bind the client side, which fetch cannot — so tests can be "different networks".
 */
export function requestFrom(
  localAddress: string,
  url: string,
  { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, localAddress }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
            responseHeaders.append(name, v);
        }
        const isJson = (res.headers['content-type'] ?? '').includes('json');
        resolve({
          status: res.statusCode ?? 0,
          headers: responseHeaders,
          body: isJson && text ? JSON.parse(text) : text,
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
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
