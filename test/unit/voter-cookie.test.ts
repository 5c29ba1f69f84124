/**
 * Which identity cookies a ballot issues: the site's `pp_voter` everywhere a browser would let a
 * storage-access grant carry it into a widget, the widget's own partitioned one beside it.
 */
import { describe, expect, it } from 'vitest';
import { NodeCookies } from '@/http/api/node-request';
import { ensureDeviceId, readDeviceIds, sharesSiteIdentity, siteCookieOptions } from '@/http/voter-cookie';
import { newDeviceId, signDeviceId } from '@/lib/voter';

const SECRET = 'secret';
const cookie = (name: string, deviceId: string) => `${name}=${signDeviceId(SECRET, deviceId)}`;
const names = (jar: NodeCookies) => jar.setCookies.map((line) => line.split('=')[0]);
const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });

describe('siteCookieOptions', () => {
  it('is SameSite=None; Secure where the origin accepts Secure cookies, Lax on a plain-HTTP host', () => {
    expect(siteCookieOptions(true)).toMatchObject({ sameSite: 'none', secure: true, httpOnly: true });
    expect(siteCookieOptions(true).partitioned).toBeUndefined();
    expect(siteCookieOptions(false)).toMatchObject({ sameSite: 'lax', secure: false, httpOnly: true });
  });
});

describe('ensureDeviceId', () => {
  it('issues only pp_voter on the site', () => {
    const jar = new NodeCookies(undefined);
    ensureDeviceId(jar, SECRET, { trustworthy: true });
    expect(names(jar)).toEqual(['pp_voter']);
    expect(jar.setCookies[0]).toMatch(/SameSite=None/i);
  });

  it('issues the partitioned widget cookie and the unpartitioned site cookie from a widget, one device id', () => {
    const jar = new NodeCookies(undefined);
    const token = newDeviceId();
    const deviceId = ensureDeviceId(jar, SECRET, { embedded: true, trustworthy: true, tokenDeviceId: token });
    expect(deviceId).toBe(token);
    expect(names(jar)).toEqual(['pp_widget_voter', 'pp_voter']);
    expect(jar.setCookies[0]).toMatch(/; Partitioned/i);
    expect(jar.setCookies[1]).not.toMatch(/Partitioned/i);
    expect(jar.setCookies[1]).toMatch(/SameSite=None/i);
    expect(readDeviceIds(jar, SECRET, { embedded: true })).toEqual([token]);
  });

  it('adopts the site identity in a widget that was sent pp_voter (a storage-access grant)', () => {
    const site = newDeviceId();
    const jar = new NodeCookies(cookie('pp_voter', site));
    expect(ensureDeviceId(jar, SECRET, { embedded: true, trustworthy: true, tokenDeviceId: newDeviceId() })).toBe(site);
    // The widget's own cookie joins it, so the next page view without an active grant knows the browser too.
    expect(names(jar)).toEqual(['pp_widget_voter']);
  });

  it('issues no cross-site cookie from a widget on a plain-HTTP public host', () => {
    const jar = new NodeCookies(undefined);
    ensureDeviceId(jar, SECRET, { embedded: true, trustworthy: false });
    expect(names(jar)).toEqual(['pp_widget_voter']);
    expect(jar.setCookies[0]).toMatch(/SameSite=Lax/i);
  });

  it('issues nothing when both cookies are there', () => {
    const jar = new NodeCookies(`${cookie('pp_voter', newDeviceId())}; ${cookie('pp_widget_voter', newDeviceId())}`);
    ensureDeviceId(jar, SECRET, { embedded: true, trustworthy: true });
    expect(jar.setCookies).toEqual([]);
  });
});

describe('sharesSiteIdentity', () => {
  it('is true with a valid pp_voter or a storage-access grant, false otherwise', () => {
    const valid = new NodeCookies(cookie('pp_voter', newDeviceId()));
    expect(sharesSiteIdentity(valid, SECRET, headers({}))).toBe(true);
    expect(sharesSiteIdentity(new NodeCookies('pp_voter=forged.x'), SECRET, headers({}))).toBe(false);
    const none = new NodeCookies(cookie('pp_widget_voter', newDeviceId()));
    expect(sharesSiteIdentity(none, SECRET, headers({}))).toBe(false);
    expect(sharesSiteIdentity(none, SECRET, headers({ 'sec-fetch-storage-access': 'none' }))).toBe(false);
    expect(sharesSiteIdentity(none, SECRET, headers({ 'sec-fetch-storage-access': 'inactive' }))).toBe(true);
    expect(sharesSiteIdentity(none, SECRET, headers({ 'sec-fetch-storage-access': 'active' }))).toBe(true);
  });
});
