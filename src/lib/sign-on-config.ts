/**
 * The intranet sign-on's settings: AUTH_USER_HEADER, AUTH_ATTRIBUTE_HEADERS and DEPARTMENTS,
 * checked at start like every other setting (src/lib/config.ts), and the start notice that says
 * whose header is believed.
 */
import type { Config } from './config';
import { ConfigError, type Env } from './config-error';
import { kebabCase } from './keys';
import {
  ASKABLE_DIMENSIONS,
  isProfileDimension,
  NOT_STATED,
  type ProfileDimension,
  type ProfileValue,
} from './profile';

/** Headers an authenticating proxy sets, believed only from a trusted proxy (src/http/person.ts). */
export interface SignOnConfig {
  /** The header naming the signed-in user (lower case, as Node reads header names). */
  userHeader: string;
  /** Profile dimensions the proxy states, each from its own header (lower case). */
  attributeHeaders: { dimension: ProfileDimension; header: string }[];
}

/** An HTTP header name (RFC 9110 token letters that proxies actually use). */
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

/**
 * Headers that mean something else to this server or to every proxy: naming one as the user or
 * an attribute would let a client's ordinary request (or our own proxy's routing) speak for it.
 */
const RESERVED_HEADERS = new Set([
  'host',
  'cookie',
  'user-agent',
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'origin',
  'referer',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
]);

function headerName(variable: string, raw: string): string {
  const name = raw.trim();
  if (!HEADER_NAME.test(name)) {
    throw new ConfigError(variable, `must name an HTTP header such as X-Forwarded-User (got "${name}").`);
  }
  if (RESERVED_HEADERS.has(name.toLowerCase())) {
    throw new ConfigError(variable, `cannot be ${name}: that header means something else to every request.`);
  }
  return name.toLowerCase();
}

/**
 * AUTH_USER_HEADER and AUTH_ATTRIBUTE_HEADERS ("department=X-Forwarded-Department
 * role=X-Forwarded-Role", pairs separated by spaces or commas). A header is only believed from a
 * trusted proxy, so without TRUST_PROXY=1 the setting could never work — or, worse, would be
 * believed from anyone if that ever changed: refused at start.
 */
export function parseSignOn(env: Env, trustProxy: boolean, departments: readonly ProfileValue[]): SignOnConfig | null {
  const user = env.AUTH_USER_HEADER?.trim();
  const attributes = (env.AUTH_ATTRIBUTE_HEADERS ?? '').split(/[\s,]+/).filter(Boolean);
  if (!user) {
    if (attributes.length > 0) {
      throw new ConfigError('AUTH_ATTRIBUTE_HEADERS', 'is set, but attributes are read only with AUTH_USER_HEADER.');
    }
    return null;
  }
  if (!trustProxy) {
    throw new ConfigError(
      'AUTH_USER_HEADER',
      'is set, but a sign-on header can only be believed from a trusted proxy: set TRUST_PROXY=1 (and TRUSTED_PROXIES to your proxy).',
    );
  }
  const userHeader = headerName('AUTH_USER_HEADER', user);
  const attributeHeaders: SignOnConfig['attributeHeaders'] = [];
  for (const pair of attributes) {
    const [dimension = '', header, extra] = pair.split('=');
    if (header === undefined || extra !== undefined || !isProfileDimension(dimension)) {
      throw new ConfigError(
        'AUTH_ATTRIBUTE_HEADERS',
        `must list dimension=Header pairs such as department=X-Forwarded-Department, with a dimension from ${ASKABLE_DIMENSIONS.join(', ')} (got "${pair}").`,
      );
    }
    if (dimension === 'department' && departments.length === 0) {
      throw new ConfigError('AUTH_ATTRIBUTE_HEADERS', 'names department, but DEPARTMENTS lists no departments.');
    }
    const name = headerName('AUTH_ATTRIBUTE_HEADERS', header);
    if (name === userHeader || attributeHeaders.some((a) => a.dimension === dimension || a.header === name)) {
      throw new ConfigError(
        'AUTH_ATTRIBUTE_HEADERS',
        `names "${dimension}" or ${header} twice (or the user header again).`,
      );
    }
    attributeHeaders.push({ dimension, header: name });
  }
  return { userHeader, attributeHeaders };
}

/** A department label's longest length: it is a select's option and a breakdown's row heading. */
export const MAX_DEPARTMENT_LABEL_LENGTH = 100;
/** More departments than this would be unreadable as a breakdown (and suppressed cell by cell anyway). */
export const MAX_DEPARTMENTS = 50;

/**
 * DEPARTMENTS: labels separated by semicolons ("Sales;Engineering;Finance"), keys derived as
 * option keys are ("research-and-development"), unique. Keys are what votes store: renaming a
 * label changes its key, so a running poll's earlier answers would then count as "not stated".
 */
export function parseDepartments(env: Env): ProfileValue[] {
  const labels = (env.DEPARTMENTS ?? '')
    .split(';')
    .map((label) => label.trim())
    .filter(Boolean);
  if (labels.length > MAX_DEPARTMENTS) {
    throw new ConfigError('DEPARTMENTS', `lists ${labels.length} departments; at most ${MAX_DEPARTMENTS} are allowed.`);
  }
  const values: ProfileValue[] = [];
  for (const label of labels) {
    const key = kebabCase(label, 60);
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (label.length > MAX_DEPARTMENT_LABEL_LENGTH || /[\u0000-\u001f\u007f]/.test(label) || !key) {
      throw new ConfigError(
        'DEPARTMENTS',
        `must list department names of 1–${MAX_DEPARTMENT_LABEL_LENGTH} characters with letters or digits, separated by ";" (got "${label.slice(0, 40)}").`,
      );
    }
    if (key === NOT_STATED || values.some((value) => value.key === key)) {
      throw new ConfigError('DEPARTMENTS', `names "${label}" twice (or a name that reads as "${key}").`);
    }
    values.push({ key, label });
  }
  return values;
}

/** How a header name is shown to the operator ("x-forwarded-user" → "X-Forwarded-User"). */
const displayHeader = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

/**
 * The start notice of the sign-on: which header names people, from which peers, and — loudly —
 * that without TRUSTED_PROXIES any peer that reaches the port can name any user.
 */
export function signOnNotice(config: Pick<Config, 'signOn' | 'trustedProxies'>): string[] {
  if (!config.signOn) return [];
  const header = displayHeader(config.signOn.userHeader);
  const attributes = config.signOn.attributeHeaders
    .map(({ dimension, header: name }) => `${dimension} from ${displayHeader(name)}`)
    .join(', ');
  const lines = [
    `Sign-on: "person" polls and surveys count one vote per user named by the ${header} header${attributes ? ` (profile: ${attributes})` : ''}, believed only from ${
      config.trustedProxies.length > 0
        ? `TRUSTED_PROXIES ${config.trustedProxies.join(', ')}`
        : 'whichever peer connects (TRUST_PROXY=1 without TRUSTED_PROXIES)'
    }; only a per-poll keyed hash of the user is stored.`,
  ];
  if (config.trustedProxies.length === 0) {
    lines.push(
      `WARNING: TRUSTED_PROXIES is not set, so ${header} is believed from ANY client that reaches this port: anyone who can connect directly can name any user and vote as them. Set TRUSTED_PROXIES to your proxy's address, and let only the proxy reach this port.`,
    );
  }
  return lines;
}
