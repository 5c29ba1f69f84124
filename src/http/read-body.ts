/**
 * Request bodies, read with a size limit enforced while reading (before anything is buffered or
 * parsed): JSON and forms. Every failure is a PollError with the contract's code.
 *
 * Both request paths read through the same functions: Astro's endpoints hand in a Web `Request`
 * (readBodyText, readJsonBody), the JSON API served at the node:http layer (src/http/api) a
 * `BodySource` over Node's IncomingMessage (readBodyFrom, readJsonFrom).
 */
import { isPollError, PollError } from '@/lib/errors';
import type { HeaderGetter } from './origin-checks';

/** How much of an oversized body is read and thrown away before answering 413. */
const DRAIN_LIMIT_BYTES = 256 * 1024;

/** A body's chunks: `next` as an async iterator's, `cancel` stops reading (and drops the rest). */
export interface BodyChunks {
  next(): Promise<IteratorResult<Uint8Array, unknown>>;
  cancel(): Promise<unknown>;
}

/** A request as the body readers need it: its headers and, opened on first read, its chunks. */
export interface BodySource {
  headers: HeaderGetter;
  /** The chunks, or null for a request without a body (GET). Called at most once, after the declared length passed. */
  chunks(): BodyChunks | null;
}

/** A Web Request as a BodySource. */
export function webBody(request: Request): BodySource {
  return {
    headers: request.headers,
    chunks() {
      if (!request.body) return null;
      const reader = request.body.getReader();
      return { next: () => reader.read(), cancel: () => reader.cancel() };
    },
  };
}

/**
 * Reads at most `limit` bytes of body, refusing larger ones before they are buffered
 * (by Content-Length when declared, else while streaming).
 */
export function readBodyText(request: Request, limit: number): Promise<string> {
  return readBodyFrom(webBody(request), limit);
}

/** readBodyText for any BodySource. */
export async function readBodyFrom(source: BodySource, limit: number): Promise<string> {
  const tooLarge = () => new PollError('body_too_large', `The request body must be at most ${limit / 1024} KiB.`);
  const declared = Number(source.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const reader = source.chunks();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await readChunk(reader);
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Read on (discarding) a little, so a client still sending gets the 413 rather than a
      // reset connection; past that, stop reading and let the connection close.
      while (size <= DRAIN_LIMIT_BYTES) {
        const next = await readChunk(reader).catch(() => ({ done: true as const, value: undefined }));
        if (next.done) break;
        size += next.value.byteLength;
      }
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new PollError('invalid_body', 'The request body is not valid UTF-8.');
  }
}

/** One chunk of a body; a client that hangs up mid-body is a bad request, not our error. */
async function readChunk(reader: BodyChunks): Promise<IteratorResult<Uint8Array, unknown>> {
  try {
    return await reader.next();
  } catch {
    throw new PollError('invalid_body', 'The request body ended before it was complete.');
  }
}

/** A JSON body of at most `limit` bytes, sent as application/json. */
export function readJsonBody(request: Request, limit: number): Promise<unknown> {
  return readJsonFrom(webBody(request), limit);
}

/** readJsonBody for any BodySource. */
export async function readJsonFrom(source: BodySource, limit: number): Promise<unknown> {
  const type = source.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new PollError('unsupported_media_type', 'Send the body as application/json.');
  }
  let text: string;
  try {
    text = await readBodyFrom(source, limit);
  } catch (error) {
    if (isPollError(error) && error.code === 'invalid_body') throw new PollError('invalid_json', error.message);
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PollError('invalid_json', 'The request body is not valid JSON.');
  }
  if (depthOf(value) > MAX_JSON_DEPTH) {
    throw new PollError('invalid_body', `The JSON is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  return value;
}

/** No input of ours nests deeper than 3; 32 leaves room without inviting depth bombs. */
const MAX_JSON_DEPTH = 32;

/** Depth of a parsed JSON value, iteratively (a recursive walk could itself overflow). */
function depthOf(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** An urlencoded or multipart form of at most `limit` bytes. */
export async function readFormBody(request: Request, limit: number): Promise<URLSearchParams> {
  const type = request.headers.get('content-type') ?? '';
  if (/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
    return new URLSearchParams(await readBodyText(request, limit));
  }
  if (/^multipart\/form-data\s*;/i.test(type)) {
    const text = await readBodyText(request, limit);
    try {
      const form = await new Response(text, { headers: { 'Content-Type': type } }).formData();
      const params = new URLSearchParams();
      for (const [name, value] of form) if (typeof value === 'string') params.append(name, value);
      return params;
    } catch {
      throw new PollError('invalid_body', 'The form data could not be read.');
    }
  }
  throw new PollError('unsupported_media_type', 'Send the form as application/x-www-form-urlencoded.');
}
