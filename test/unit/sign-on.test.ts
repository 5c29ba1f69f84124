/**
 * The intranet sign-on (the `person` policy): its configuration, how a request's headers become
 * a person and profile answers, and the rule that keeps one person's page from another.
 */
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, signOnNotice, startupWarnings } from '@/lib/config';
import { DataVersions } from '@/lib/data-versions';
import { PageCache } from '@/http/page-cache';
import { headerText, MAX_USER_ID_LENGTH, personId, signedInPerson, signOnProfile } from '@/http/person';
import {
  askableDimensions,
  configureDepartments,
  parseProfile,
  PROFILE_CATALOGUE,
  profileValueFromText,
  segmentsOf,
} from '@/lib/profile';
import { pollInputSchema } from '@/lib/schemas';
import { personKeyFor, surveyPersonKeyFor } from '@/lib/voter';
import { requirePerson } from '@/lib/votes';

const PROXY = { TRUST_PROXY: '1', TRUSTED_PROXIES: '10.0.0.5' };
const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null });

afterEach(() => configureDepartments([]));

describe('sign-on configuration', () => {
  it('reads the user header, attribute headers and departments', () => {
    const config = loadConfig({
      ...PROXY,
      AUTH_USER_HEADER: 'X-Forwarded-User',
      AUTH_ATTRIBUTE_HEADERS: 'department=X-Forwarded-Department, role=X-Forwarded-Role',
      DEPARTMENTS: 'Sales; Engineering ;Research & Development;Finance',
    });
    expect(config.signOn).toEqual({
      userHeader: 'x-forwarded-user',
      attributeHeaders: [
        { dimension: 'department', header: 'x-forwarded-department' },
        { dimension: 'role', header: 'x-forwarded-role' },
      ],
    });
    expect(config.departments).toEqual([
      { key: 'sales', label: 'Sales' },
      { key: 'engineering', label: 'Engineering' },
      { key: 'research-and-development', label: 'Research & Development' },
      { key: 'finance', label: 'Finance' },
    ]);
  });

  it('lets departments be listed without a sign-on (asked on the ballot)', () => {
    const config = loadConfig({ DEPARTMENTS: 'Sales;Finance' });
    expect(config.signOn).toBeNull();
    expect(config.departments.map((d) => d.key)).toEqual(['sales', 'finance']);
  });

  it.each([
    [{ AUTH_USER_HEADER: 'X-Forwarded-User' }, /AUTH_USER_HEADER is set, but .*TRUST_PROXY=1/],
    [{ AUTH_USER_HEADER: 'X-Forwarded-User', TRUST_PROXY: '0' }, /AUTH_USER_HEADER .*TRUST_PROXY=1/],
    [{ ...PROXY, AUTH_USER_HEADER: 'X Forwarded User' }, /AUTH_USER_HEADER must name an HTTP header/],
    [{ ...PROXY, AUTH_USER_HEADER: 'X-Forwarded-For' }, /AUTH_USER_HEADER cannot be X-Forwarded-For/],
    [{ ...PROXY, AUTH_USER_HEADER: 'Cookie' }, /AUTH_USER_HEADER cannot be Cookie/],
    [{ AUTH_ATTRIBUTE_HEADERS: 'role=X-Role' }, /AUTH_ATTRIBUTE_HEADERS is set, but .*AUTH_USER_HEADER/],
    [{ ...PROXY, AUTH_USER_HEADER: 'Remote-User', AUTH_ATTRIBUTE_HEADERS: 'team=X-Team' }, /dimension=Header pairs/],
    [{ ...PROXY, AUTH_USER_HEADER: 'Remote-User', AUTH_ATTRIBUTE_HEADERS: 'role' }, /dimension=Header pairs/],
    [{ ...PROXY, AUTH_USER_HEADER: 'Remote-User', AUTH_ATTRIBUTE_HEADERS: 'role=a=b' }, /dimension=Header pairs/],
    [
      { ...PROXY, AUTH_USER_HEADER: 'Remote-User', AUTH_ATTRIBUTE_HEADERS: 'department=Remote-Department' },
      /names department, but DEPARTMENTS lists no departments/,
    ],
    [{ ...PROXY, AUTH_USER_HEADER: 'Remote-User', AUTH_ATTRIBUTE_HEADERS: 'role=Remote-User' }, /twice/],
    [{ ...PROXY, AUTH_USER_HEADER: 'Remote-User', AUTH_ATTRIBUTE_HEADERS: 'role=X-A role=X-B' }, /twice/],
    [{ ...PROXY, AUTH_USER_HEADER: 'Remote-User', AUTH_ATTRIBUTE_HEADERS: 'role=X-A region=x-a' }, /twice/],
    [{ DEPARTMENTS: 'Sales;sales' }, /DEPARTMENTS names "sales" twice/],
    [{ DEPARTMENTS: 'Not stated' }, /DEPARTMENTS names "Not stated" twice/],
    [{ DEPARTMENTS: 'Sales;—' }, /DEPARTMENTS must list department names/],
    [{ DEPARTMENTS: `Sales;${'x'.repeat(101)}` }, /DEPARTMENTS must list department names/],
    [{ DEPARTMENTS: 'Sales;Fin\u0007ance' }, /DEPARTMENTS must list department names/],
    [{ DEPARTMENTS: Array.from({ length: 51 }, (_, i) => `Team ${i}`).join(';') }, /at most 50/],
  ])('refuses %o at start', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('says loudly at start which header is believed from whom', () => {
    const listed = loadConfig({ ...PROXY, AUTH_USER_HEADER: 'remote-user' });
    expect(signOnNotice(listed)).toEqual([expect.stringMatching(/Remote-User header.*TRUSTED_PROXIES 10\.0\.0\.5/)]);
    const open = loadConfig({ TRUST_PROXY: '1', AUTH_USER_HEADER: 'X-Forwarded-User' });
    const lines = signOnNotice(open);
    expect(lines[1]).toMatch(/^WARNING: TRUSTED_PROXIES is not set, so X-Forwarded-User is believed from ANY client/);
    expect(startupWarnings(open)).toEqual(expect.arrayContaining(lines));
    expect(signOnNotice(loadConfig({}))).toEqual([]);
  });
});

describe('sign-on headers', () => {
  const signOn = {
    userHeader: 'x-forwarded-user',
    attributeHeaders: [
      { dimension: 'department' as const, header: 'x-forwarded-department' },
      { dimension: 'role' as const, header: 'x-forwarded-role' },
    ],
  };

  it.each([
    ['alice@example.com', 'alice@example.com'],
    ['  alice  ', 'alice'],
    ['', null],
    ['   ', null],
    [null, null],
    ['a'.repeat(MAX_USER_ID_LENGTH), 'a'.repeat(MAX_USER_ID_LENGTH)],
    ['a'.repeat(MAX_USER_ID_LENGTH + 1), null],
    ['ali\u0000ce', null],
    ['ali\tce', null],
    ['ali\u0085ce', null],
  ])('header value %j → %j', (raw, expected) => {
    expect(headerText(raw)).toBe(expected);
  });

  /** A value as Node hands it over: the proxy's UTF-8 bytes, one character per byte. */
  const wire = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

  it.each([
    ['michał', 'michał'],
    ['田中', '田中'],
    ['ÁLVARO', 'ÁLVARO'],
    ['CONTOSO\\Борис', 'CONTOSO\\Борис'],
    ['zoe\u0301', 'zoe\u0301'],
    ['ali\u0085ce', null], // a real C1 control character, once decoded
    ['ali\u200bce', 'ali\u200bce'],
  ])('UTF-8 header value %j on the wire → %j', (text, expected) => {
    expect(headerText(wire(text))).toBe(expected);
  });

  it('refuses bytes that are not UTF-8 rather than guessing', () => {
    expect(headerText('Jos\u00e9')).toBeNull(); // a lone latin1 é
    expect(headerText(wire('José').slice(0, -1))).toBeNull(); // a cut UTF-8 sequence
    expect(headerText('\u00c3\u0028')).toBeNull();
  });

  it('names one person in any case and composition of a non-ASCII name', () => {
    const id = (text: string) => personId(headerText(wire(text))!);
    expect(id('ÁLVARO')).toBe('álvaro');
    expect(id('Zoe\u0301')).toBe(id('ZOÉ'));
    expect(id('MICHAŁ')).toBe('michał');
  });

  it('names one person however the directory spells them', () => {
    expect(personId('CONTOSO\\Alice')).toBe(personId('contoso\\alice'));
    expect(personId('Re\u0301my')).toBe(personId('Rémy'));
  });

  it('believes the headers only from a trusted proxy', () => {
    const request = headers({ 'x-forwarded-user': 'Alice', 'x-forwarded-role': 'Manager' });
    expect(signedInPerson(signOn, false, request)).toBeNull();
    expect(signedInPerson(null, true, request)).toBeNull();
    expect(signedInPerson(signOn, true, request)).toEqual({ id: 'alice', profile: { role: 'manager' } });
    expect(signedInPerson(signOn, true, headers({ 'x-forwarded-role': 'vp' }))).toBeNull();
  });

  it('matches attribute values to catalogue keys or labels, else "not stated"', () => {
    configureDepartments([
      { key: 'sales', label: 'Sales' },
      { key: 'research-and-development', label: 'Research & Development' },
    ]);
    expect(profileValueFromText('department', ' research & development ')).toBe('research-and-development');
    expect(profileValueFromText('department', 'SALES')).toBe('sales');
    expect(profileValueFromText('department', 'Marketing')).toBeUndefined();
    expect(profileValueFromText('role', 'Vice president')).toBe('vp');
    expect(profileValueFromText('role', 'vp')).toBe('vp');
    const person = signedInPerson(
      signOn,
      true,
      headers({ 'x-forwarded-user': 'bob', 'x-forwarded-department': 'Sales', 'x-forwarded-role': 'Chief' }),
    );
    expect(person).toEqual({ id: 'bob', profile: { department: 'sales' } });
  });

  it('puts the sign-on answers in place of the ballot’s own, and only for dimensions asked', () => {
    configureDepartments([{ key: 'sales', label: 'Sales' }]);
    const filled = signOnProfile(signOn, { id: 'bob', profile: { department: 'sales' } });
    expect(parseProfile(['department', 'role', 'industry'], { role: 'vp', industry: 'media' }, filled)).toEqual({
      department: 'sales',
      industry: 'media',
    });
    // A ballot's answer to a sign-on dimension is ignored, even one that is no value at all.
    expect(parseProfile(['department'], { department: 'made-up' }, filled)).toEqual({ department: 'sales' });
    expect(parseProfile(['industry'], undefined, filled)).toEqual({});
    // Nobody signed in (an untrusted request): the sign-on's dimensions are "not stated".
    expect(parseProfile(['role'], { role: 'vp' }, signOnProfile(signOn, null))).toEqual({});
    expect(signOnProfile(null, null)).toBeNull();
    expect(signOnProfile({ userHeader: 'remote-user', attributeHeaders: [] }, null)).toBeNull();
  });

  it('refuses a person poll or survey without a person (401), before anything else', () => {
    expect(() => requirePerson('person', { personId: null })).toThrow(/signed-in person/);
    expect(() => requirePerson('person', {}, 'survey')).toThrow(/This survey counts/);
    expect(() => requirePerson('device', { personId: null })).not.toThrow();
    expect(() => requirePerson('person', { personId: 'alice' })).not.toThrow();
  });

  it('keys a person per poll and per survey, never the same twice', () => {
    const secret = 's'.repeat(32);
    const keys = [
      personKeyFor(secret, 1, 'alice'),
      personKeyFor(secret, 2, 'alice'),
      surveyPersonKeyFor(secret, 1, 'alice'),
      personKeyFor(secret, 1, 'bob'),
    ];
    expect(new Set(keys).size).toBe(4);
    for (const key of keys) expect(key).not.toContain('alice');
  });
});

describe('the department dimension', () => {
  it('is askable only when departments are listed', () => {
    const input = { question: 'Lunch?', options: ['Soup', 'Salad'], profile: ['department'] };
    expect(askableDimensions()).not.toContain('department');
    const refused = pollInputSchema.safeParse(input);
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.error?.issues)).toMatch(/only when the server lists its departments/);
    configureDepartments([{ key: 'sales', label: 'Sales' }]);
    expect(askableDimensions()).toContain('department');
    expect(pollInputSchema.safeParse(input).success).toBe(true);
  });

  it('lists every department and "not stated", as catalogue dimensions do', () => {
    configureDepartments([
      { key: 'sales', label: 'Sales' },
      { key: 'finance', label: 'Finance' },
    ]);
    expect(PROFILE_CATALOGUE.department.values.map((v) => v.key)).toEqual(['sales', 'finance']);
    expect(segmentsOf('department').map((s) => s.key)).toEqual(['sales', 'finance', 'not-stated']);
  });
});

describe('the page cache and signed-in people', () => {
  const request = (h: Record<string, string>) =>
    ({ method: 'GET', url: '/polls/lunch', headers: { host: 'polls.example', ...h } }) as unknown as IncomingMessage;

  it('neither serves nor keeps a page for a request carrying the sign-on header, believed or not', () => {
    const cache = new PageCache(new DataVersions(), undefined, 'x-forwarded-user');
    expect(cache.keyOf(request({ 'x-forwarded-user': 'alice' }), true)).toBeNull();
    expect(cache.keyOf(request({ 'x-forwarded-user': 'alice' }), false)).toBeNull();
    expect(cache.keyOf(request({ 'x-forwarded-user': '' }), true)).toBeNull();
    expect(cache.keyOf(request({}), true)).not.toBeNull();
    // Without a sign-on configured the header means nothing and changes nothing.
    expect(new PageCache(new DataVersions()).keyOf(request({ 'x-forwarded-user': 'alice' }), true)).not.toBeNull();
  });
});
