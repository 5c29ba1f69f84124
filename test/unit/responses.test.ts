/** JSON, the error envelope, refusal pages, CSV downloads and where a thrown error becomes a status. */
import type { APIContext } from 'astro';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  answerRefusals,
  apiRoute,
  csvResponse,
  errorJson,
  internalError,
  json,
  methodNotAllowed,
  refusal,
  withRetryAfter,
} from '@/http/responses';
import { PollError, STATUS_BY_CODE, type ErrorCode } from '@/lib/errors';
import { STORAGE_RETRY_AFTER_SECONDS } from '@/lib/storage-health';

const RETRY = String(STORAGE_RETRY_AFTER_SECONDS);
const browser = (accept = 'text/html,application/xhtml+xml,*/*;q=0.8') =>
  new Request('http://polls.test/polls/p', { method: 'POST', headers: { accept } });
/** Just enough of Astro's context for the functions under test. */
const context = (request: Request) => ({ request, url: new URL(request.url) }) as unknown as APIContext;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('json', () => {
  it('answers JSON with a charset, status 200 unless told, extra headers kept', async () => {
    const plain = json({ a: [1, 'é'] });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await plain.json()).toEqual({ a: [1, 'é'] });
    const created = json({ ok: true }, 201, { Location: '/x' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/x');
  });
});

describe('errorJson', () => {
  it.each(Object.entries(STATUS_BY_CODE) as [ErrorCode, number][])(
    '%s → %i with the error envelope',
    async (code, status) => {
      const response = errorJson(new PollError(code, 'Why.'));
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ error: { code, message: 'Why.' } });
    },
  );

  it('lists the problems of invalid_answers in the envelope', async () => {
    const problems = [{ question: 'q-1', code: 'required', message: 'Answer this question; it is required.' }];
    const response = errorJson(Object.assign(new PollError('invalid_answers', 'Check.'), { problems }));
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: { code: 'invalid_answers', message: 'Check.', problems } });
  });

  it.each<[ErrorCode, string | null, string | null]>([
    ['body_too_large', 'close', null],
    ['storage_unavailable', null, RETRY],
    ['invalid_body', null, null],
    ['rate_limited', null, null],
  ])('%s: Connection %s, Retry-After %s', (code, connection, retryAfter) => {
    const response = errorJson(new PollError(code, 'Why.'));
    expect(response.headers.get('connection')).toBe(connection);
    expect(response.headers.get('retry-after')).toBe(retryAfter);
  });
});

describe('withRetryAfter', () => {
  it.each<[number, string | null, string | null]>([
    [503, null, RETRY],
    [503, '7', '7'],
    [500, null, null],
    [429, null, null],
    [200, null, null],
  ])('%i with Retry-After %s → %s', (status, given, expected) => {
    const response = new Response(null, { status, headers: given ? { 'Retry-After': given } : {} });
    expect(withRetryAfter(response).headers.get('retry-after')).toBe(expected);
  });
});

describe('refusal', () => {
  it.each<[string, Request, string]>([
    ['a browser form post', browser(), '/polls/p'],
    ['a browser on the widget', browser(), '/embed/p'],
  ])('answers %s with a small HTML page', async (_name, request, pathname) => {
    const response = refusal(
      new PollError('forbidden_origin', 'Requests from other sites may not change anything here.'),
      request,
      pathname,
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html><html lang="en">/);
    expect(html).toContain('<title>Not accepted · Peer Polls</title>');
    expect(html).toContain('<h1>Not accepted</h1>');
    expect(html).toContain('<p role="alert">Requests from other sites may not change anything here.</p>');
    expect(html).toContain('<a href="/">Back to Peer Polls</a>');
  });

  it.each<[string, Request, string]>([
    ['an API path, even from a browser', browser(), '/api/polls/p/votes'],
    ['a client that does not ask for HTML', browser('application/json'), '/polls/p'],
    ['a client that sends no Accept', new Request('http://polls.test/polls/p', { method: 'POST' }), '/polls/p'],
    ['a client that accepts anything', browser('*/*'), '/polls/p'],
  ])('answers %s with the JSON envelope', async (_name, request, pathname) => {
    const response = refusal(new PollError('forbidden_origin', 'No.'), request, pathname);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'forbidden_origin', message: 'No.' } });
  });

  it.each<[ErrorCode, string]>([
    ['forbidden_origin', 'Not accepted'],
    ['misdirected_request', 'Wrong address'],
    ['rate_limited', 'Too many requests'],
    ['storage_unavailable', 'Temporarily unavailable'],
    ['invalid_body', 'Not accepted'],
    ['poll_not_found', 'Not accepted'],
  ])('heads a %s page "%s"', async (code, heading) => {
    const html = await refusal(new PollError(code, 'Why.'), browser(), '/polls/p').text();
    expect(html).toContain(`<h1>${heading}</h1>`);
  });

  it('escapes the message and the home link', async () => {
    const html = await refusal(
      new PollError('misdirected_request', `<script>alert("x")</script> & 'co'`),
      browser(),
      '/polls/p',
      'https://polls.example/?a="b"&c=<d>',
    ).text();
    expect(html).toContain('<p role="alert">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>');
    expect(html).toContain('<a href="https://polls.example/?a=&quot;b&quot;&amp;c=&lt;d&gt;">');
    expect(html).not.toContain('<script>');
  });

  it('tells a browser when to come back from a storage outage', () => {
    const page = refusal(new PollError('storage_unavailable', 'Storage is full.'), browser(), '/polls/p');
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe(RETRY);
  });
});

describe('a refusal with a wait of its own (an address budget spent)', () => {
  const spent = () => new PollError('rate_limited', 'Try again in 12 minutes.', undefined, { retryAfterSeconds: 700 });

  it.each<[string, () => Response]>([
    ['the JSON envelope', () => errorJson(spent())],
    ['the refusal page a browser gets', () => refusal(spent(), browser(), '/polls/p')],
    ['the JSON refusal an API client gets', () => refusal(spent(), browser('application/json'), '/api/polls/p/votes')],
  ])('%s: 429 with its Retry-After', (_name, answer) => {
    const response = answer();
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('700');
  });

  it('a rate_limited refusal without a wait names none', () => {
    expect(errorJson(new PollError('rate_limited', 'Slow down.')).headers.get('retry-after')).toBeNull();
  });
});

describe('csvResponse', () => {
  it.each<[string, string | ReadableStream<Uint8Array>]>([
    ['whole', 'a,b\r\n1,2\r\n'],
    ['streamed', new Response('a,b\r\n1,2\r\n').body!],
  ])('sends a %s CSV as a download, never cached', async (_name, csv) => {
    const response = csvResponse(csv, 'p-results.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="p-results.csv"');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('a,b\r\n1,2\r\n');
  });
});

describe('internalError', () => {
  it('logs the error once and answers 500 without internals', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const error = new Error('SQLITE_CORRUPT at /srv/data/peer-polls.db');
    const response = internalError(error);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith('Unhandled error:', error);
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong on our side.' },
    });
    expect(body).not.toContain('SQLITE');
  });
});

describe('apiRoute', () => {
  const request = new Request('http://polls.test/api/polls');

  it('passes an answer through', async () => {
    const answer = json({ ok: true }, 201);
    expect(await apiRoute(async () => answer)(context(request))).toBe(answer);
  });

  it('answers a thrown PollError with its envelope', async () => {
    const response = await apiRoute(async () => {
      throw new PollError('poll_not_found', 'There is no poll "x".');
    })(context(request));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'poll_not_found', message: 'There is no poll "x".' } });
  });

  it('answers any other error with a logged 500', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const response = await apiRoute(async () => {
      throw new TypeError('x is undefined');
    })(context(request));
    expect(response.status).toBe(500);
    expect(log).toHaveBeenCalledTimes(1);
  });
});

describe('answerRefusals', () => {
  it('adds Retry-After to a 503 a page rendered itself', async () => {
    const request = browser();
    const response = (await answerRefusals(context(request), async () => new Response('form', { status: 503 })))!;
    expect(response.headers.get('retry-after')).toBe(RETRY);
  });

  it('answers a PollError that escaped a page as a refusal, HTML for a browser', async () => {
    const response = (await answerRefusals(context(browser()), async () => {
      throw new PollError('storage_unavailable', 'Storage is full.');
    }))!;
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('retry-after')).toBe(RETRY);
  });

  it('answers an escaped PollError on an API path in JSON', async () => {
    const request = new Request('http://polls.test/api/polls/p/votes', {
      method: 'POST',
      headers: { accept: 'text/html' },
    });
    const response = (await answerRefusals(context(request), async () => {
      throw new PollError('rate_limited', 'Slow down.');
    }))!;
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({ error: { code: 'rate_limited', message: 'Slow down.' } });
  });

  it('lets any other error through', async () => {
    const failing = answerRefusals(context(browser()), async () => {
      throw new TypeError('a bug');
    });
    await expect(failing).rejects.toThrow(TypeError);
  });
});

describe('methodNotAllowed', () => {
  it('answers 405 naming the allowed methods in Allow and in the message', async () => {
    const response = await methodNotAllowed('GET, POST')(
      context(new Request('http://polls.test/api/polls', { method: 'PUT' })),
    );
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(await response.json()).toEqual({
      error: { code: 'method_not_allowed', message: 'This endpoint accepts GET, POST.' },
    });
  });
});
