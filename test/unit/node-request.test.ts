/**
 * The node:http layer's view of a request reads as Astro's does: cookies as AstroCookies reads and
 * writes them (compared with Astro's own class), headers as a Web Headers answers them.
 */
import { describe, expect, it } from 'vitest';
// Astro does not export AstroCookies; the file is imported directly, only to compare behaviour with it.
import { AstroCookies } from '../../node_modules/astro/dist/core/cookies/index.js';
import { NodeCookies, nodeHeaders } from '@/http/api/node-request';
import { ensureDeviceId } from '@/http/voter-cookie';
import { newDeviceId } from '@/lib/voter';

const astroCookies = (header: string | undefined) =>
  new AstroCookies(new Request('http://polls.test/', { headers: header === undefined ? {} : { cookie: header } }));

describe('NodeCookies', () => {
  it.each<[string, string | undefined, string]>([
    ['no Cookie header', undefined, 'pp_voter'],
    ['a plain value', 'pp_voter=abc.def', 'pp_voter'],
    ['an encoded value', 'pp_voter=a%20b%3Dc', 'pp_voter'],
    ['a malformed escape (kept as sent)', 'pp_voter=a%ZZb', 'pp_voter'],
    ['an empty value', 'pp_voter=', 'pp_voter'],
    ['the name twice', 'pp_voter=first; pp_voter=second', 'pp_voter'],
    ['a quoted value', 'pp_voter="quoted"', 'pp_voter'],
    ['other cookies around it', 'a=1; pp_widget_voter=w; b=2', 'pp_widget_voter'],
    ['junk', ';;=;pp_voter', 'pp_voter'],
  ])('reads %s as AstroCookies does', (_name, header, name) => {
    expect(new NodeCookies(header).get(name)?.value).toBe(astroCookies(header).get(name)?.value);
  });

  it.each([
    { embedded: false, trustworthy: false },
    { embedded: false, trustworthy: true },
    { embedded: true, trustworthy: true },
    { embedded: true, trustworthy: false },
  ])('issues the device cookie as AstroCookies does (%j), and reads it back', (options) => {
    const node = new NodeCookies(undefined);
    const astro = astroCookies(undefined);
    const tokenDeviceId = newDeviceId();
    const deviceId = ensureDeviceId(node, 'secret', { ...options, tokenDeviceId });
    ensureDeviceId(astro, 'secret', { ...options, tokenDeviceId });
    expect(node.setCookies).toEqual([...astro.headers()]);
    expect(ensureDeviceId(node, 'secret', options)).toBe(deviceId);
  });
});

describe('nodeHeaders', () => {
  it('answers as Headers: null when absent, repeated lines joined, any case of name', () => {
    const headers = nodeHeaders({
      host: 'polls.test',
      'x-forwarded-for': '1.1.1.1, 2.2.2.2',
      'set-cookie': ['a', 'b'],
    });
    expect(headers.get('origin')).toBeNull();
    expect(headers.get('Host')).toBe('polls.test');
    expect(headers.get('x-forwarded-for')).toBe('1.1.1.1, 2.2.2.2');
    expect(headers.get('set-cookie')).toBe(
      new Headers([
        ['set-cookie', 'a'],
        ['set-cookie', 'b'],
      ]).get('set-cookie'),
    );
  });
});
