/**
 * The running application: configuration, the store and the signing secret, created once per
 * process. src/server.ts awaits it before the port opens; `astro dev` boots it on first use.
 *
 * On SQLite one process holds everything. On PostgreSQL several instances may share the
 * database, and with it the state that must hold across them (db/pg/shared-state.ts: the write
 * limit's buckets, failed logins, the voter-key secret check) and each other's changes
 * (db/pg/change-feed.ts: live streams and cached pages react to votes cast on any instance).
 */
import { sqlitePathFromUrl } from '../db/client';
import { openStores } from '../db/open-store';
import { PgChangeFeed } from '../db/pg/change-feed';
import { openSharedState } from '../db/pg/shared-state';
import { seedDemo } from '../db/seed';
import { LoginThrottle, type LoginThrottling } from '@/lib/login-throttle';
import { versionedStore } from '@/lib/data-versions';
import { applyChanges, everythingChanged, relayChanges, RelayedDataVersions } from '@/lib/change-relay';
import { writeLimit as processWriteLimit } from '@/http/guards';
import type { WriteLimiter } from '@/http/rate-limit';
import { PageCache } from '@/http/page-cache';
import { passwordChecker } from '@/lib/admin-session';
import { trustedProxyMatcher, type ProxyTrust } from '@/http/client-address';
import { loadConfig, type Config } from '@/lib/config';
import { configureDepartments } from '@/lib/profile';
import { LiveResults, reportingChanges, reportingSurveyChanges } from '@/lib/live-results';
import { StorageHealth } from '@/lib/storage-health';
import type { AdminStore, PollStore } from '@/lib/store';
import type { SurveyStore } from '@/lib/survey-types';
import { loadVoterKeySecret, voterKeyFileFor } from '@/lib/voter-secret';

export interface App {
  config: Config;
  store: PollStore;
  adminStore: AdminStore;
  /** Surveys and their responses (questions are polls of `store`). */
  surveyStore: SurveyStore;
  /** Whether the database can write, as the stores' last writes showed (for /healthz). */
  storageHealth: StorageHealth;
  /** Signs voter cookies and derives per-poll device keys. */
  secret: string;
  /** Checks an admin UI password attempt; null when ADMIN_PASSWORD is unset (UI disabled). */
  checkAdminPassword: ((attempt: string) => Promise<boolean>) | null;
  /** Failed admin logins per network and overall (see src/lib/login-throttle.ts); shared on PostgreSQL. */
  loginThrottle: LoginThrottling;
  /** The per-network write rate limit (src/http/rate-limit.ts); shared on PostgreSQL. */
  writeLimit: WriteLimiter;
  /** Whose forwarding headers are believed (TRUST_PROXY, TRUSTED_PROXIES). */
  proxyTrust: ProxyTrust;
  /** Live-result streams: who watches which poll (src/lib/live-results.ts). */
  live: LiveResults;
  /** Pages kept for visitors without our cookies, dropped by the writes under them. */
  pageCache: PageCache;
  /** Closes the stores (and on PostgreSQL the shared state and the change feed): on shutdown. */
  close(): Promise<void>;
}

/** Store methods that change nothing a page shows; every other method moves a data version. */
const POLL_READS = new Set([
  'findPoll',
  'listPolls',
  'slugExists',
  'segmentCounts',
  'dailyCounts',
  'rankingTallies',
  'hasDeviceVoted',
  'deviceVoteChoices',
  'readSetting',
  'otherAnswers',
  'otherAnswerGroups',
  'voteLogPage',
  'auditFor',
  'trafficOf',
  'countedVotesIn',
  'quarantinesOf',
  'hasPersonLock',
  'ping',
  'probeWrite',
]);
const SURVEY_READS = new Set([
  'findSurvey',
  'listSurveys',
  'surveySlugExists',
  'surveyOfPoll',
  'findResponse',
  'hasResponded',
  'hasSurveyPersonLock',
  'funnel',
  'crossQuestionCounts',
  'surveyDailyCounts',
  'responsesPage',
]);

/** Opens, migrates and (when asked and empty) seeds the database named by the configuration. */
export async function createApp(config: Config): Promise<App> {
  // The operator's departments are part of the profile catalogue from here on (src/lib/profile.ts).
  configureDepartments(config.departments);
  // The password's scrypt hash (~100 ms on a pool thread) is not waited for: the database is opened,
  // migrated and seeded meanwhile, and the first login attempt waits for it if it comes that early.
  const checking = config.adminPassword ? passwordChecker(config.adminPassword) : null;
  checking?.catch(() => {}); // surfaced by the first login attempt, not as an unhandled rejection
  const checkAdminPassword = checking ? async (attempt: string) => (await checking)(attempt) : null;
  const storageHealth = new StorageHealth();
  const opened = await openStores(config.databaseUrl, { health: storageHealth, poolSize: config.databasePoolSize });
  // What close() ends, last opened first (also when starting fails half-way).
  const closing: (() => Promise<void>)[] = [() => opened.close()];
  const close = async () => {
    for (const end of closing.splice(0).reverse()) await end().catch(() => {});
  };
  try {
    // On PostgreSQL (config.ts requires VOTER_KEY_SECRET there): the state every instance shares,
    // refused when this instance's secret is not the other instances'.
    const shared =
      opened.kind === 'postgres' ? await openSharedState(config.databaseUrl, config.voterKeySecret!) : null;
    if (shared) closing.push(() => shared.close());
    const { adminStore } = opened;
    const live = new LiveResults({
      store: opened.store,
      surveyStore: opened.surveyStore,
      maxStreams: config.maxStreams,
    });
    // Every recorded vote, submission and owner edit reaches the streams watching that poll or survey
    // (a submission also reaches the streams of the questions it answered).
    const versions = new RelayedDataVersions();
    if (shared) {
      // …and the streams and cached pages of every other instance, as theirs reach ours.
      const targets = { live, versions };
      const feed = new PgChangeFeed({
        url: config.databaseUrl,
        publisher: shared.db,
        onChanges: (changes) => applyChanges(targets, changes),
        onEverything: () => everythingChanged(targets),
      });
      await feed.start();
      closing.push(() => feed.close());
      relayChanges(targets, feed.publish);
    }
    const store = versionedStore(reportingChanges(opened.store, live), versions, {
      reads: POLL_READS,
      vote: 'recordVote',
    });
    const surveyStore = versionedStore(reportingSurveyChanges(opened.surveyStore, live), versions, {
      reads: SURVEY_READS,
    });
    if (config.seedDemo) {
      const seed = () => seedDemo(store, Date.now(), surveyStore);
      // Several instances starting on an empty database: the first seeds, the others then find polls.
      await (shared ? shared.exclusively(seed) : seed());
    }
    // On PostgreSQL the secret is VOTER_KEY_SECRET (checked above), never in a file or a row.
    const secret = shared
      ? config.voterKeySecret!
      : await loadVoterKeySecret(store, {
          configured: config.voterKeySecret,
          file: voterKeyFileFor(sqlitePathFromUrl(config.databaseUrl)),
        });
    return {
      config,
      store,
      adminStore,
      surveyStore,
      storageHealth,
      secret,
      checkAdminPassword,
      loginThrottle: shared ? shared.loginThrottle : new LoginThrottle(),
      // One process: the process's buckets (src/http/guards.ts), as ever.
      writeLimit: shared ? shared.writeLimit : processWriteLimit,
      live,
      // A request naming a signed-in person is never served a kept page, nor kept (src/http/page-cache.ts).
      pageCache: new PageCache(versions, undefined, config.signOn?.userHeader ?? null),
      proxyTrust: { trustProxy: config.trustProxy, isTrustedProxy: trustedProxyMatcher(config.trustedProxies) },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

let running: Promise<App> | undefined;

/** The process's app, booted from process.env on first call. */
export function app(): Promise<App> {
  // Inside the promise, so a ConfigError rejects it instead of throwing at the caller.
  running ??= Promise.resolve().then(() => createApp(loadConfig()));
  return running;
}
