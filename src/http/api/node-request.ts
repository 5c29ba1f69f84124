/**
 * A Node IncomingMessage seen the way the shared HTTP glue reads a request — headers
 * (HeaderGetter), body (BodySource) and cookies (CookieJar) — so the JSON API served at the
 * node:http layer calls exactly the functions Astro's endpoints call, without building a Web
 * Request per request.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { parse, serialize } from 'cookie';
import type { HeaderGetter } from '@/http/origin-checks';
import type { BodySource } from '@/http/read-body';
import type { CookieJar, CookieOptions } from '@/http/voter-cookie';

/**
 * Node's headers as a Web `Headers` answers them: Node has already joined repeated lines with ", "
 * (or kept the first, for the single-valued ones such as Host), which is also what Astro's Request
 * is built from.
 */
export function nodeHeaders(headers: IncomingHttpHeaders): HeaderGetter {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** The request's body, read through its async iterator; cancelling destroys what is left of it. */
export function nodeBody(req: IncomingMessage, headers: HeaderGetter): BodySource {
  return {
    headers,
    chunks() {
      const iterator = req[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
      return { next: () => iterator.next(), cancel: async () => iterator.return?.() };
    },
  };
}

/**
 * Cookies read from the Cookie header and set for the response, with AstroCookies' semantics
 * (the `cookie` package's parser and serialiser, values URI-decoded, a cookie set here read back
 * by `get`), so a voter cookie is issued byte for byte as on an Astro page.
 */
export class NodeCookies implements CookieJar {
  readonly #header: string | undefined;
  #parsed: Record<string, string | undefined> | undefined;
  /** Set in this request: name → [value, Set-Cookie line]. */
  readonly #outgoing = new Map<string, [string, string]>();

  constructor(header: string | undefined) {
    this.#header = header;
  }

  get(name: string): { value: string } | undefined {
    const set = this.#outgoing.get(name);
    if (set) return { value: set[0] };
    if (!this.#header) return undefined;
    this.#parsed ??= parse(this.#header, { decode: (value) => value });
    const raw = this.#parsed[name];
    if (!raw) return undefined;
    try {
      return { value: decodeURIComponent(raw) };
    } catch {
      return { value: raw };
    }
  }

  set(name: string, value: string, options: CookieOptions): void {
    this.#outgoing.set(name, [value, serialize(name, value, options)]);
  }

  /** The Set-Cookie lines for the response. */
  get setCookies(): string[] {
    return [...this.#outgoing.values()].map(([, line]) => line);
  }
}
