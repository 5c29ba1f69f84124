/**
 * Configuration from environment variables, validated once at start. A bad value throws a
 * ConfigError whose message is the one line the operator sees before the process exits.
 */
import { isIP } from 'node:net';
import { ConfigError, type Env } from './config-error';
import { DEFAULT_MAX_STREAMS } from './live-results';
import type { ProfileValue } from './profile';
import { parseDepartments, parseSignOn, signOnNotice, type SignOnConfig } from './sign-on-config';
import { MIN_CELL_SIZE_RANGE } from './suppression';

export { ConfigError } from './config-error';
export { signOnNotice, type SignOnConfig } from './sign-on-config';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** PostgreSQL only: connections this instance keeps at most. */
  databasePoolSize: number;
  seedDemo: boolean;
  adminToken: string | null;
  adminPassword: string | null;
  embedAllowedOrigins: string[];
  trustProxy: boolean;
  /** TRUSTED_PROXIES: addresses or CIDRs of the proxies whose forwarding headers count; [] = the peer. */
  trustedProxies: string[];
  /** PUBLIC_ORIGIN: the one origin this site is reached at (absolute URLs, writes, hosts); null = from Host. */
  publicOrigin: string | null;
  rateLimit: boolean;
  voterKeySecret: string | null;
  /** SEGMENT_MIN_N: the smallest breakdown segment shown (K of the suppression rules). */
  segmentMinN: number;
  /** MAX_STREAMS: open live-result streams per process. */
  maxStreams: number;
  /** AUTH_USER_HEADER (+ AUTH_ATTRIBUTE_HEADERS): the intranet sign-on behind a trusted proxy; null = none. */
  signOn: SignOnConfig | null;
  /** DEPARTMENTS: the values of the `department` profile dimension, in the operator's order; [] = not asked. */
  departments: ProfileValue[];
}

/** A bearer token shorter than this is guessable; refuse it rather than run exposed. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;
/**
 * The login throttle still lets a botnet try 50 passwords per 15 minutes (4,800 a day); at 12
 * characters even a random lower-case password (26^12 ≈ 10^17) stays out of reach of that.
 */
export const MIN_ADMIN_PASSWORD_LENGTH = 12;

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be 1 or 0 (got "${env[name]}").`);
}

function port(env: Env): number {
  const raw = env.PORT?.trim();
  if (!raw) return 4321;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 65535) {
    throw new ConfigError('PORT', `must be a whole number from 1 to 65535 (got "${raw}").`);
  }
  return value;
}

/** A URL as it may be shown: any password in it replaced (a mistyped DATABASE_URL is echoed at start). */
const withoutPassword = (raw: string) => raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');

/** A PostgreSQL connection URL (postgres:// or postgresql://, any case). */
export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);

function databaseUrl(env: Env): string {
  const raw = env.DATABASE_URL?.trim() || 'file:./data/peer-polls.db';
  if (isPostgresUrl(raw)) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid postgres:// URL.');
    }
    // Several instances share one database, so they must key voters alike; the secret must not
    // live in the database it protects (src/lib/voter-secret.ts), so it comes from the environment.
    if (!env.VOTER_KEY_SECRET) {
      throw new ConfigError(
        'VOTER_KEY_SECRET',
        'must be set (the same value on every instance) when DATABASE_URL points to PostgreSQL.',
      );
    }
    return raw;
  }
  if (!raw.startsWith('file:') || raw === 'file:') {
    throw new ConfigError(
      'DATABASE_URL',
      `must be a SQLite file URL such as file:./data/peer-polls.db, or postgres://… (got "${withoutPassword(raw)}").`,
    );
  }
  return raw;
}

/** Connections each instance keeps to PostgreSQL at most (DATABASE_POOL_SIZE, 1–100). */
function poolSize(env: Env): number {
  const raw = env.DATABASE_POOL_SIZE?.trim();
  if (!raw) return 10;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 100) {
    throw new ConfigError('DATABASE_POOL_SIZE', `must be a whole number from 1 to 100 (got "${raw}").`);
  }
  return value;
}

function secret(env: Env, name: string, minLength: number): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  if (raw.length < minLength) throw new ConfigError(name, `must be at least ${minLength} characters long.`);
  return raw;
}

function origins(env: Env): string[] {
  const raw = env.EMBED_ALLOWED_ORIGINS?.trim() || '*';
  const list = raw.split(/\s+/);
  for (const origin of list) {
    if (origin === '*' || origin === "'self'") continue;
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = null;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(
        'EMBED_ALLOWED_ORIGINS',
        `must list origins like https://intranet.example.com (got "${origin}").`,
      );
    }
  }
  return list;
}

/** TRUSTED_PROXIES: addresses or CIDRs, separated by spaces or commas; only with TRUST_PROXY=1. */
function trustedProxies(env: Env, trustProxy: boolean): string[] {
  const list = (env.TRUSTED_PROXIES ?? '').split(/[\s,]+/).filter(Boolean);
  if (list.length > 0 && !trustProxy) {
    throw new ConfigError('TRUSTED_PROXIES', 'is set, but forwarding headers are ignored unless TRUST_PROXY=1.');
  }
  for (const entry of list) {
    const [address = '', prefix, extra] = entry.split('/');
    const version = isIP(address);
    const bits = version === 6 ? 128 : 32;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (version === 0 || !prefixOk || extra !== undefined) {
      throw new ConfigError(
        'TRUSTED_PROXIES',
        `must list addresses or CIDRs such as 10.0.0.0/8 or fd00::/8 (got "${entry}").`,
      );
    }
  }
  return list;
}

/** PUBLIC_ORIGIN: an http(s) origin with nothing after the host (e.g. https://polls.example.com). */
function publicOrigin(env: Env): string | null {
  const raw = env.PUBLIC_ORIGIN?.trim();
  if (!raw) return null;
  let parsed: URL | null = null;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = null;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== raw.replace(/\/$/, '')) {
    throw new ConfigError('PUBLIC_ORIGIN', `must be an origin such as https://polls.example.com (got "${raw}").`);
  }
  return parsed.origin;
}

export const DEFAULT_SEGMENT_MIN_N = 10;

/** A whole number within [min, max] from the variable, or the fallback when it is unset. */
function wholeNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}").`);
  }
  return value;
}

/** Reads and checks every setting; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const departmentList = parseDepartments(env);
  return {
    port: port(env),
    host: env.HOST?.trim() || 'localhost',
    databaseUrl: databaseUrl(env),
    databasePoolSize: poolSize(env),
    seedDemo: flag(env, 'SEED_DEMO', true),
    adminToken: secret(env, 'ADMIN_TOKEN', MIN_ADMIN_TOKEN_LENGTH),
    adminPassword: secret(env, 'ADMIN_PASSWORD', MIN_ADMIN_PASSWORD_LENGTH),
    embedAllowedOrigins: origins(env),
    trustProxy: flag(env, 'TRUST_PROXY', false),
    trustedProxies: trustedProxies(env, flag(env, 'TRUST_PROXY', false)),
    publicOrigin: publicOrigin(env),
    rateLimit: flag(env, 'RATE_LIMIT', true),
    voterKeySecret: secret(env, 'VOTER_KEY_SECRET', 32),
    // Below 3 a segment would be one or two people.
    segmentMinN: wholeNumber(
      env,
      'SEGMENT_MIN_N',
      DEFAULT_SEGMENT_MIN_N,
      MIN_CELL_SIZE_RANGE.min,
      MIN_CELL_SIZE_RANGE.max,
    ),
    maxStreams: wholeNumber(env, 'MAX_STREAMS', DEFAULT_MAX_STREAMS, 1, 1_000_000),
    signOn: parseSignOn(env, flag(env, 'TRUST_PROXY', false), departmentList),
    departments: departmentList,
  };
}

/** Lines worth an operator's attention at start: safe defaults that are not production settings. */
export function startupWarnings(config: Config): string[] {
  const warnings: string[] = [];
  const broad = config.trustedProxies.filter((entry) => {
    const [address = '', prefix] = entry.split('/');
    return prefix !== undefined && Number(prefix) < (isIP(address) === 6 ? 120 : 28);
  });
  if (broad.length > 0) {
    warnings.push(
      `Note: TRUSTED_PROXIES includes ${broad.join(', ')}: a client inside such a range can write its own X-Forwarded-For and choose its address. List your proxies' exact addresses.`,
    );
  }
  if (config.trustProxy && config.trustedProxies.length === 0 && !config.signOn) {
    // The sign-on notice says this (louder) when a sign-on header is set.
    warnings.push(
      "Note: TRUST_PROXY=1 without TRUSTED_PROXIES believes X-Forwarded-For from any peer: a client that reaches this port directly chooses its own address, and with it its rate limit, network identity and address budget. Set TRUSTED_PROXIES to your proxies' addresses, or let only the proxy reach the port.",
    );
  }
  warnings.push(...signOnNotice(config));
  if (config.publicOrigin === null) {
    warnings.push(
      "Note: PUBLIC_ORIGIN is not set, so absolute URLs (oEmbed, embed snippets) follow each request's Host header and requests for any host are answered; set it in production (e.g. PUBLIC_ORIGIN=https://polls.example.com).",
    );
  }
  return warnings;
}
