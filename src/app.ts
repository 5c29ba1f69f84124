/**
 * The running application: configuration, the store and the signing secret, created once per
 * process. src/server.ts awaits it before the port opens; `astro dev` boots it on first use.
 */
import { sqlitePathFromUrl } from '../db/client';
import { openDatabase } from '../db/open';
import { seedDemo } from '../db/seed';
import { LoginThrottle } from '@/lib/login-throttle';
import { DataVersions, versionedStore } from '@/lib/data-versions';
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
  /** Failed admin logins per network and overall (see src/lib/login-throttle.ts). */
  loginThrottle: LoginThrottle;
  /** Whose forwarding headers are believed (TRUST_PROXY, TRUSTED_PROXIES). */
  proxyTrust: ProxyTrust;
  /** Live-result streams: who watches which poll (src/lib/live-results.ts). */
  live: LiveResults;
  /** Pages kept for visitors without our cookies, dropped by the writes under them. */
  pageCache: PageCache;
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
  const opened = openDatabase(config.databaseUrl, storageHealth);
  const { adminStore } = opened;
  const live = new LiveResults({ store: opened.store, surveyStore: opened.surveyStore, maxStreams: config.maxStreams });
  // Every recorded vote, submission and owner edit reaches the streams watching that poll or survey
  // (a submission also reaches the streams of the questions it answered).
  const versions = new DataVersions();
  const store = versionedStore(reportingChanges(opened.store, live), versions, {
    reads: POLL_READS,
    vote: 'recordVote',
  });
  const surveyStore = versionedStore(reportingSurveyChanges(opened.surveyStore, live), versions, {
    reads: SURVEY_READS,
  });
  if (config.seedDemo) await seedDemo(store, Date.now(), surveyStore);
  const secret = await loadVoterKeySecret(store, {
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
    loginThrottle: new LoginThrottle(),
    live,
    // A request naming a signed-in person is never served a kept page, nor kept (src/http/page-cache.ts).
    pageCache: new PageCache(versions, undefined, config.signOn?.userHeader ?? null),
    proxyTrust: { trustProxy: config.trustProxy, isTrustedProxy: trustedProxyMatcher(config.trustedProxies) },
  };
}

let running: Promise<App> | undefined;

/** The process's app, booted from process.env on first call. */
export function app(): Promise<App> {
  // Inside the promise, so a ConfigError rejects it instead of throwing at the caller.
  running ??= Promise.resolve().then(() => createApp(loadConfig()));
  return running;
}
