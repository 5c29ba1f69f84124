/** Request bodies with real Request objects: limits (declared and streamed), UTF-8, JSON depth, content types, forms. */
import { describe, expect, it } from 'vitest';
import { readBodyText, readFormBody, readJsonBody } from '@/http/read-body';
import { refusal } from '../support/errors';

const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };

function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  const streamed = body instanceof ReadableStream;
  // A streamed body needs duplex: 'half' (Node's fetch), which RequestInit does not declare yet.
  return new Request('http://polls.test/', { method: 'POST', body, headers, ...(streamed ? { duplex: 'half' } : {}) });
}

/** A body that arrives in these chunks. */
function chunked(chunks: (Uint8Array | string)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    },
  });
}

/** A body that never ends: 64 KiB chunks forever. */
function endless() {
  const seen = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.pulled++;
      controller.enqueue(new Uint8Array(64 * 1024));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

/** A body whose client hangs up after the first bytes. */
function hangingUp(first: string) {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
    },
    pull(controller) {
      controller.error(new Error('socket hang up'));
    },
  });
}

const bytes = (...values: number[]) => new Uint8Array(values);

describe('readBodyText', () => {
  it.each<[string, BodyInit | null, string]>([
    ['no body', null, ''],
    ['an empty body', '', ''],
    ['text', 'choice=a', 'choice=a'],
    ['exactly the limit', '0123456789abcdef', '0123456789abcdef'],
    ['UTF-8 beyond ASCII', 'é – 🗳', 'é – 🗳'],
    ['a byte-order mark (dropped)', bytes(0xef, 0xbb, 0xbf, 0x61), 'a'],
  ])('reads %s', async (_name, body, expected) => {
    expect(await readBodyText(post(body), 16)).toBe(expected);
  });

  it('reads a body without one (GET)', async () => {
    expect(await readBodyText(new Request('http://polls.test/'), 16)).toBe('');
  });

  it('joins a character split across chunks', async () => {
    expect(await readBodyText(post(chunked([bytes(0xc3), bytes(0xa9), 'x'])), 16)).toBe('éx');
  });

  it.each<[string, BodyInit, Record<string, string>]>([
    ['one byte over the limit', '0123456789abcdefg', {}],
    ['a Content-Length over the limit (before reading)', 'small', { 'content-length': '17' }],
    ['a Content-Length that understates the body', '0123456789abcdefghij', { 'content-length': '3' }],
    ['over the limit in UTF-8 bytes, not characters', 'éééééééé€', {}],
  ])('refuses %s with 413 body_too_large', async (_name, body, headers) => {
    await expect(readBodyText(post(body, headers), 16)).rejects.toMatchObject({
      code: 'body_too_large',
      message: 'The request body must be at most 0.015625 KiB.',
    });
  });

  it('names the limit in KiB', async () => {
    await expect(readBodyText(post('x'.repeat(16 * 1024 + 1)), 16 * 1024)).rejects.toMatchObject({
      message: 'The request body must be at most 16 KiB.',
    });
  });

  it('ignores a Content-Length that is not a number and reads the body', async () => {
    expect(await readBodyText(post('abc', { 'content-length': 'abc' }), 16)).toBe('abc');
  });

  it('refuses an oversized body that declares no length, counting as it streams', async () => {
    const stream = chunked(['0123456789', 'abcdef', 'g']);
    expect(await refusal(() => readBodyText(post(stream), 16))).toBe('body_too_large');
  });

  it('stops reading a body that never ends after about 256 KiB, and cancels it', async () => {
    const { stream, seen } = endless();
    expect(await refusal(() => readBodyText(post(stream), 1024))).toBe('body_too_large');
    expect(seen.cancelled).toBe(true);
    // What is drained past the limit is bounded: 256 KiB, plus the chunk that crossed it.
    expect(seen.pulled * 64).toBeLessThanOrEqual(256 + 64 + 64);
  });

  it.each<[string, BodyInit]>([
    ['a lone continuation byte', bytes(0x61, 0x80)],
    ['an invalid byte', bytes(0x61, 0xff, 0xfe)],
    ['a truncated sequence', bytes(0x61, 0xe2, 0x82)],
    ['an overlong encoding of "/"', bytes(0xc0, 0xaf)],
    ['an encoded surrogate', bytes(0xed, 0xa0, 0x80)],
  ])('refuses %s with 400 invalid_body', async (_name, body) => {
    await expect(readBodyText(post(body), 16)).rejects.toMatchObject({
      code: 'invalid_body',
      message: 'The request body is not valid UTF-8.',
    });
  });

  it('refuses a body whose client hangs up midway with 400 invalid_body', async () => {
    await expect(readBodyText(post(hangingUp('{"choices":[')), 1024)).rejects.toMatchObject({
      code: 'invalid_body',
      message: 'The request body ended before it was complete.',
    });
  });
});

describe('readJsonBody', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'application/json;charset=UTF-8',
    'Application/JSON',
    'application/json ; x=y',
  ])('accepts Content-Type %j', async (type) => {
    expect(await readJsonBody(post('{"choices":["a"]}', { 'content-type': type }), 1024)).toEqual({
      choices: ['a'],
    });
  });

  it.each([
    ['no Content-Type', {}],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['a form', FORM_TYPE],
    ['application/jsonp', { 'content-type': 'application/jsonp' }],
    ['a +json suffix', { 'content-type': 'application/vnd.api+json' }],
    ['JSON as a parameter', { 'content-type': 'text/plain; x=application/json' }],
  ])('refuses %s with 415 unsupported_media_type, before reading', async (_name, headers) => {
    const request = post('{}', headers);
    await expect(readJsonBody(request, 1024)).rejects.toMatchObject({
      code: 'unsupported_media_type',
      message: 'Send the body as application/json.',
    });
    expect(request.bodyUsed).toBe(false);
  });

  it.each<[string, string, unknown]>([
    ['an object', '{"a":[1,{"b":null}]}', { a: [1, { b: null }] }],
    ['an array', '[1,2]', [1, 2]],
    ['a string', '"x"', 'x'],
    ['null', 'null', null],
    ['surrounding white space', ' \n{"a":1}\n ', { a: 1 }],
    ['a "__proto__" key as a plain key', '{"__proto__":{"x":1}}', JSON.parse('{"__proto__":{"x":1}}')],
  ])('parses %s', async (_name, text, expected) => {
    const value = await readJsonBody(post(text, JSON_TYPE), 1024);
    expect(value).toEqual(expected);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it.each<[string, BodyInit, string]>([
    ['an empty body', '', 'The request body is not valid JSON.'],
    ['broken JSON', '{"choices":[', 'The request body is not valid JSON.'],
    ['a trailing comma', '{"a":1,}', 'The request body is not valid JSON.'],
    ['two values', '{} {}', 'The request body is not valid JSON.'],
    ['invalid UTF-8', bytes(0x22, 0xff, 0x22), 'The request body is not valid UTF-8.'],
  ])('refuses %s with 400 invalid_json', async (_name, body, message) => {
    await expect(readJsonBody(post(body, JSON_TYPE), 1024)).rejects.toMatchObject({ code: 'invalid_json', message });
  });

  it('refuses a body whose client hangs up as invalid_json', async () => {
    expect(await refusal(() => readJsonBody(post(hangingUp('{"a":'), JSON_TYPE), 1024))).toBe('invalid_json');
  });

  it('refuses an oversized body with 413, declared or not', async () => {
    expect(await refusal(() => readJsonBody(post('[1,2,3,4]', JSON_TYPE), 8))).toBe('body_too_large');
    const declared = post('[]', { ...JSON_TYPE, 'content-length': '9' });
    expect(await refusal(() => readJsonBody(declared, 8))).toBe('body_too_large');
  });

  const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const objects = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
  const mixed = (depth: number) => '[{"a":'.repeat(depth / 2) + '0' + '}]'.repeat(depth / 2);

  it.each<[string, boolean, string]>([
    ['32 nested arrays', true, arrays(32)],
    ['33 nested arrays', false, arrays(33)],
    ['32 nested objects', true, objects(32)],
    ['33 nested objects', false, objects(33)],
    ['32 levels of arrays and objects', true, mixed(32)],
    ['34 levels of arrays and objects', false, mixed(34)],
    ['a depth bomb of 30,000 arrays', false, arrays(30_000)],
    ['many siblings at depth 2', true, `[${'[1],'.repeat(5000)}[1]]`],
  ])('%s: accepted %s (at most 32 levels)', async (_name, accepted, text) => {
    const reading = readJsonBody(post(text, JSON_TYPE), 64 * 1024);
    if (accepted) await expect(reading).resolves.toBeDefined();
    else
      await expect(reading).rejects.toMatchObject({
        code: 'invalid_body',
        message: 'The JSON is nested more than 32 levels deep.',
      });
  });
});

describe('readFormBody', () => {
  it.each<[string, string, [string, string][]]>([
    [
      'fields',
      'choice=a&device=t',
      [
        ['choice', 'a'],
        ['device', 't'],
      ],
    ],
    [
      'repeated fields, in order',
      'choice=b&choice=a',
      [
        ['choice', 'b'],
        ['choice', 'a'],
      ],
    ],
    ['escapes and plus signs', 'q=%C3%A9+x%26y%3D', [['q', 'é x&y=']]],
    ['an empty body', '', []],
    ['a field without a value', 'draft', [['draft', '']]],
  ])('reads an urlencoded form: %s', async (_name, body, expected) => {
    expect([...(await readFormBody(post(body, FORM_TYPE), 1024))]).toEqual(expected);
  });

  it.each(['application/x-www-form-urlencoded; charset=UTF-8', 'APPLICATION/X-WWW-FORM-URLENCODED'])(
    'accepts Content-Type %j',
    async (type) => {
      expect((await readFormBody(post('a=1', { 'content-type': type }), 1024)).get('a')).toBe('1');
    },
  );

  it('reads a multipart form, keeping text fields and dropping files', async () => {
    const data = new FormData();
    data.append('choice', 'a');
    data.append('choice', 'b');
    data.append('attachment', new Blob(['plain text']), 'notes.txt');
    data.append('question', 'Café?');
    const request = new Request('http://polls.test/', { method: 'POST', body: data });
    expect(request.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    expect([...(await readFormBody(request, 1024))]).toEqual([
      ['choice', 'a'],
      ['choice', 'b'],
      ['question', 'Café?'],
    ]);
  });

  // The whole multipart body is decoded as UTF-8 before it is parsed, so a binary file part
  // refuses the form even though files are dropped anyway (no form of ours has a file input).
  it('refuses a multipart form with a binary file part as invalid UTF-8', async () => {
    const data = new FormData();
    data.append('choice', 'a');
    data.append('attachment', new Blob([bytes(0xff, 0xfe, 0x00)]), 'photo.jpg');
    const request = new Request('http://polls.test/', { method: 'POST', body: data });
    expect(await refusal(() => readFormBody(request, 1024))).toBe('invalid_body');
  });

  it('refuses multipart data it cannot parse with 400 invalid_body', async () => {
    const request = post('not multipart at all', { 'content-type': 'multipart/form-data; boundary=xyz' });
    await expect(readFormBody(request, 1024)).rejects.toMatchObject({
      code: 'invalid_body',
      message: 'The form data could not be read.',
    });
  });

  it.each([
    ['no Content-Type', {}],
    ['JSON', JSON_TYPE],
    ['text/plain', { 'content-type': 'text/plain' }],
    // Without a boundary there is nothing to split on; refused as the wrong media type.
    ['multipart without a boundary', { 'content-type': 'multipart/form-data' }],
  ])('refuses %s with 415 unsupported_media_type', async (_name, headers) => {
    await expect(readFormBody(post('a=1', headers), 1024)).rejects.toMatchObject({
      code: 'unsupported_media_type',
      message: 'Send the form as application/x-www-form-urlencoded.',
    });
  });

  it.each<[string, () => Request]>([
    ['urlencoded', () => post('a='.padEnd(20, 'x'), FORM_TYPE)],
    [
      'multipart',
      () => {
        const data = new FormData();
        data.append('a', 'x'.repeat(20));
        return new Request('http://polls.test/', { method: 'POST', body: data });
      },
    ],
  ])('refuses an oversized %s form with 413', async (_name, request) => {
    expect(await refusal(() => readFormBody(request(), 16))).toBe('body_too_large');
  });

  it('refuses invalid UTF-8 in an urlencoded form with 400 invalid_body', async () => {
    expect(await refusal(() => readFormBody(post(bytes(0x61, 0x3d, 0xff), FORM_TYPE), 16))).toBe('invalid_body');
  });
});
