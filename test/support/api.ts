/** Small HTTP helpers for talking to the running server like a client would. */
import { ADMIN_TOKEN } from './server';

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
  return { status: response.status, headers: response.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
}

/** Creates a poll through the admin API and returns its JSON. */
export async function createPoll(base: string, input: Record<string, unknown>): Promise<any> {
  const response = await request(`${base}/api/admin/polls`, { method: 'POST', json: input, token: ADMIN_TOKEN });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

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
