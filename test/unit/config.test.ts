import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, MIN_ADMIN_PASSWORD_LENGTH, startupWarnings } from '@/lib/config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 4321,
      host: 'localhost',
      databaseUrl: 'file:./data/peer-polls.db',
      databasePoolSize: 10,
      seedDemo: true,
      adminToken: null,
      adminPassword: null,
      embedAllowedOrigins: ['*'],
      trustProxy: false,
      trustedProxies: [],
      publicOrigin: null,
      rateLimit: true,
      voterKeySecret: null,
      segmentMinN: 10,
      maxStreams: 10_000,
      signOn: null,
      departments: [],
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'file:/var/lib/polls.db',
      SEED_DEMO: '0',
      ADMIN_TOKEN: 'x'.repeat(16),
      ADMIN_PASSWORD: 'p'.repeat(MIN_ADMIN_PASSWORD_LENGTH),
      EMBED_ALLOWED_ORIGINS: 'https://intranet.example.com http://localhost:3000',
      TRUST_PROXY: '1',
      TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7 fd00::/8',
      PUBLIC_ORIGIN: 'https://polls.example.com',
      RATE_LIMIT: '0',
      SEGMENT_MIN_N: '25',
      MAX_STREAMS: '500',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      seedDemo: false,
      adminPassword: 'pppppppppppp',
      trustProxy: true,
      trustedProxies: ['10.0.0.0/8', '192.0.2.7', 'fd00::/8'],
      publicOrigin: 'https://polls.example.com',
      rateLimit: false,
      segmentMinN: 25,
      maxStreams: 500,
      embedAllowedOrigins: ['https://intranet.example.com', 'http://localhost:3000'],
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '0' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://u@h/db' }, 'VOTER_KEY_SECRET'],
    [{ DATABASE_URL: 'postgres://u@h:99999/db', VOTER_KEY_SECRET: 's'.repeat(32) }, 'DATABASE_URL'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
    [{ DATABASE_POOL_SIZE: 'many' }, 'DATABASE_POOL_SIZE'],
    [{ SEED_DEMO: 'maybe' }, 'SEED_DEMO'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    [{ ADMIN_PASSWORD: 'p'.repeat(MIN_ADMIN_PASSWORD_LENGTH - 1) }, 'ADMIN_PASSWORD'],
    [{ EMBED_ALLOWED_ORIGINS: 'intranet.example.com' }, 'EMBED_ALLOWED_ORIGINS'],
    [{ EMBED_ALLOWED_ORIGINS: 'https://x.example/path' }, 'EMBED_ALLOWED_ORIGINS'],
    [{ TRUST_PROXY: 'yes please' }, 'TRUST_PROXY'],
    [{ RATE_LIMIT: '2' }, 'RATE_LIMIT'],
    [{ TRUSTED_PROXIES: '10.0.0.1' }, 'TRUSTED_PROXIES'],
    [{ TRUST_PROXY: '1', TRUSTED_PROXIES: 'proxy.internal' }, 'TRUSTED_PROXIES'],
    [{ TRUST_PROXY: '1', TRUSTED_PROXIES: '10.0.0.0/33' }, 'TRUSTED_PROXIES'],
    [{ TRUST_PROXY: '1', TRUSTED_PROXIES: '10.0.0.0/8/1' }, 'TRUSTED_PROXIES'],
    [{ PUBLIC_ORIGIN: 'polls.example.com' }, 'PUBLIC_ORIGIN'],
    [{ PUBLIC_ORIGIN: 'https://polls.example.com/path' }, 'PUBLIC_ORIGIN'],
    [{ PUBLIC_ORIGIN: 'ftp://polls.example.com' }, 'PUBLIC_ORIGIN'],
    [{ SEGMENT_MIN_N: '2' }, 'SEGMENT_MIN_N'],
    [{ SEGMENT_MIN_N: '1001' }, 'SEGMENT_MIN_N'],
    [{ SEGMENT_MIN_N: '10.5' }, 'SEGMENT_MIN_N'],
    [{ SEGMENT_MIN_N: 'ten' }, 'SEGMENT_MIN_N'],
    [{ MAX_STREAMS: '0' }, 'MAX_STREAMS'],
    [{ MAX_STREAMS: '-5' }, 'MAX_STREAMS'],
  ])('%j fails naming %s in one line', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain(variable);
      expect(message).not.toContain('\n');
    }
  });
});

describe('startupWarnings', () => {
  it('takes a PostgreSQL URL in any case with its secret, and never echoes a password', () => {
    const secret = { VOTER_KEY_SECRET: 's'.repeat(32) };
    expect(loadConfig({ DATABASE_URL: 'postgres://app:pw@db/x', ...secret }).databaseUrl).toBe(
      'postgres://app:pw@db/x',
    );
    expect(loadConfig({ DATABASE_URL: 'PostgreSQL://app:pw@db/x', ...secret }).databaseUrl).toBe(
      'PostgreSQL://app:pw@db/x',
    );
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:s3cretPW@db/x' })).toThrow(/mysql:\/\/app:\*\*\*@db\/x/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:s3cretPW@db/x' })).not.toThrow(/s3cretPW/);
  });

  it('says when PUBLIC_ORIGIN is unset, and nothing for a tight production setup', () => {
    expect(startupWarnings(loadConfig({})).join('\n')).toMatch(/PUBLIC_ORIGIN is not set/);
    const tight = loadConfig({
      PUBLIC_ORIGIN: 'https://polls.example.com',
      TRUST_PROXY: '1',
      TRUSTED_PROXIES: '10.0.0.7 10.0.0.8/31 fd00::7',
    });
    expect(startupWarnings(tight)).toEqual([]);
  });

  it('warns about a TRUSTED_PROXIES range wide enough to hold clients', () => {
    const broad = loadConfig({
      PUBLIC_ORIGIN: 'https://polls.example.com',
      TRUST_PROXY: '1',
      TRUSTED_PROXIES: '10.0.0.0/8 fd00::/8',
    });
    expect(startupWarnings(broad)).toEqual([expect.stringMatching(/10\.0\.0\.0\/8, fd00::\/8: a client inside/)]);
  });

  it('warns that TRUST_PROXY=1 without TRUSTED_PROXIES lets any peer choose its address (attack review)', () => {
    const open = loadConfig({ PUBLIC_ORIGIN: 'https://polls.example.com', TRUST_PROXY: '1' });
    expect(startupWarnings(open)).toEqual([expect.stringMatching(/without TRUSTED_PROXIES .* address budget/)]);
  });
});
