/**
 * The JSON hot paths, served at the node:http layer outside Astro's per-request pipeline (no Web
 * Request, no middleware chain, no per-request module loading): votes, results and the live
 * streams. Everything else — pages and the other endpoints — stays in Astro.
 *
 * src/server.ts asks `apiRoute(path)` once the path is canonical, the security headers are set
 * and its own refusals are made; a path not in ROUTES goes on to Astro. The guarantees Astro's
 * middleware gives come from the same functions here (src/http/guards.ts: host check, write rate
 * limit, cross-site refusal; src/http/responses.ts: envelope, Retry-After, 500 without internals;
 * read-body, voter-cookie, client-address, public-origin). Whole bodies are written by sendBody.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { app } from '@/app';
import { serveEventStream } from '@/http/event-stream';
import { refusalFor, replyFor, requestLocals } from '@/http/guards';
import type { HeaderGetter } from '@/http/origin-checks';
import { visitorOf, withPerson } from '@/http/person';
import { readJsonFrom } from '@/http/read-body';
import { jsonReply, methodNotAllowedReply, thrownReply, type Reply } from '@/http/responses';
import { REVALIDATE_PRIVATE, sendBody } from '@/http/send';
import { ballotVoter } from '@/http/voter-cookie';
import { MAX_VOTE_BODY_BYTES } from '@/lib/limits';
import { getPublicPoll } from '@/lib/polls';
import { resultsView, resultsViewFor, resultsWithBreakdown, visibleResults } from '@/lib/results-view';
import { surveyResultsView, visibleSurveyResults } from '@/lib/survey-results';
import { findPublicSurvey } from '@/lib/surveys';
import { castVote } from '@/lib/votes';
import { wordsHoldUntil } from '@/lib/data-versions';
import { nodeBody, nodeHeaders, NodeCookies } from './node-request';

/** One request as a handler sees it. */
export interface ApiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** The path's `{slug}`, decoded as Astro decodes route parameters. */
  slug: string;
  query: URLSearchParams;
  headers: HeaderGetter;
  cookies: NodeCookies;
  locals: App.Locals;
}

/** A whole answer, or null when the handler answered itself (a stream). */
type Handler = (request: ApiRequest) => Promise<Reply | null>;

/** Records a ballot; answers with the results when this voter may now see them. */
const castVoteRoute: Handler = async (request) => {
  const { store, surveyStore, secret } = request.locals.app;
  const body = await readJsonFrom(nodeBody(request.req, request.headers), MAX_VOTE_BODY_BYTES);
  const now = Date.now();
  const { cookies, locals } = request;
  const voter = withPerson(ballotVoter({ cookies, locals, request }), locals);
  const poll = await castVote({ store, surveyStore, secret, now }, request.slug, body, voter, 'api');
  return jsonReply({ accepted: true, results: (await resultsViewFor(store, poll, true, now)).results }, 201);
};

/**
 * The results, when this visitor may see them (403 results_hidden with the reason otherwise);
 * with `?by=` (and `?where=`) the breakdown by a profile question.
 */
const results: Handler = async ({ req, locals, cookies, slug, query }) => {
  const { store, secret, config, pageCache } = locals.app;
  const now = Date.now();
  const visitor = visitorOf(cookies, locals);
  // A browser that never voted here gets what every such browser gets: kept until a write moves
  // the poll's version (src/lib/data-versions.ts), so a burst of readers reads the tallies once.
  // Never a signed-in person's (keyOf refuses the sign-on header too): theirs may say they voted.
  const anonymous = visitor.deviceIds.length === 0 && visitor.personId === null;
  const key = anonymous ? pageCache.keyOf(req, locals.forwarded) : null;
  const kept = key === null ? null : pageCache.get(key, now);
  if (kept) return { status: kept.status, headers: kept.headers as Record<string, string>, body: kept.body };
  const begun = pageCache.begin();
  const poll = await getPublicPoll(store, slug);
  const view = await resultsView({ store, secret, now }, poll, visitor);
  const answer = await resultsWithBreakdown({ store, now, minCellSize: config.segmentMinN }, view, query);
  // Depends on this visitor (shown only after voting): private, revalidated with sendBody's ETag.
  const reply = jsonReply(answer, 200, { 'Cache-Control': REVALIDATE_PRIVATE });
  if (key !== null) {
    const mark = { poll: poll.id, until: wordsHoldUntil(now, poll.opensAt, poll.closesAt) };
    pageCache.set(key, mark, begun, { ...reply, body: Buffer.from(reply.body) }, now);
  }
  return reply;
};

/**
 * Live results as Server-Sent Events: the results at once, then after each change (at most one
 * event a second), heartbeats every 25 s. Hidden results: 403 results_hidden before any stream.
 */
const resultsStream: Handler = async ({ locals, cookies, slug, res }) => {
  const { store, secret, live } = locals.app;
  const poll = await getPublicPoll(store, slug);
  const view = await resultsView({ store, secret, now: Date.now() }, poll, visitorOf(cookies, locals));
  const visible = visibleResults(view);
  serveEventStream(res, live, poll.slug, poll.id, view.voted, JSON.stringify(visible));
  return null;
};

/**
 * Live survey results as Server-Sent Events (no breakdown): the results at once, then after each
 * submission or edit (at most one event a second), heartbeats every 25 s. Hidden results: 403
 * results_hidden before any stream. Shares MAX_STREAMS with the polls' streams.
 */
const surveyResultsStream: Handler = async ({ locals, cookies, slug, res }) => {
  const { store, surveyStore, secret, config, live } = locals.app;
  const survey = await findPublicSurvey({ surveyStore }, slug);
  const view = await surveyResultsView(
    { store, surveyStore, secret, now: Date.now(), minCellSize: config.segmentMinN },
    survey,
    visitorOf(cookies, locals),
    new URLSearchParams(),
  );
  const visible = visibleSurveyResults(view);
  serveEventStream(res, live, survey.slug, survey.id, view.responded, JSON.stringify(visible), 'survey');
  return null;
};

interface Route {
  /** The path, its one group the slug; an optional trailing slash as Astro's routes allow. */
  pattern: RegExp;
  methods: Readonly<Record<string, Handler>>;
}

/** The one route table of the node:http layer (the OpenAPI document lists these routes too). */
const ROUTES: readonly Route[] = [
  { pattern: /^\/api\/polls\/([^/]+)\/votes\/?$/, methods: { POST: castVoteRoute } },
  { pattern: /^\/api\/polls\/([^/]+)\/results\/?$/, methods: { GET: results, HEAD: results } },
  { pattern: /^\/api\/polls\/([^/]+)\/results\/stream\/?$/, methods: { GET: resultsStream } },
  { pattern: /^\/api\/surveys\/([^/]+)\/results\/stream\/?$/, methods: { GET: surveyResultsStream } },
];

/** The URL Astro's Node adapter builds for a request when no allowed domains are configured. */
const ASTRO_URL = { http: new URL('http://localhost'), https: new URL('https://localhost') };
const fallbackUrl = (req: IncomingMessage) =>
  'encrypted' in req.socket && req.socket.encrypted ? ASTRO_URL.https : ASTRO_URL.http;

/**
 * The server for a canonical path (no query) in the table, or null for every other path. The
 * server is called with the request once its response owns the connection, and the TCP peer.
 */
export function apiRoute(
  path: string,
): ((req: IncomingMessage, res: ServerResponse, socketAddress: string | undefined) => Promise<void>) | null {
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match)
      return (req, res, socketAddress) => serve(route, decodeSegment(match[1]!), path, req, res, socketAddress);
  }
  return null;
}

async function serve(
  route: Route,
  slug: string,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  socketAddress: string | undefined,
): Promise<void> {
  const method = req.method ?? 'GET';
  const headers = nodeHeaders(req.headers);
  let reply: Reply | null;
  let cookies: NodeCookies | null = null;
  try {
    const running = await app();
    const locals: App.Locals = {
      app: running,
      socketAddress,
      ...requestLocals(running, socketAddress, headers, fallbackUrl(req)),
    };
    const refused = await refusalFor(running, method, path, headers, locals, Date.now());
    const handler = route.methods[method];
    if (refused) {
      reply = replyFor(refused, headers.get('accept'), path);
    } else if (!handler) {
      reply = methodNotAllowedReply(Object.keys(route.methods).join(', '));
    } else {
      cookies = new NodeCookies(req.headers.cookie);
      reply = await handler({ req, res, slug, query: queryOf(req.url ?? ''), headers, cookies, locals }).catch(
        thrownReply,
      );
    }
  } catch (error) {
    reply = thrownReply(error);
  }
  if (reply === null || res.headersSent || res.destroyed) return;
  const setCookies = cookies?.setCookies ?? [];
  const replyHeaders = setCookies.length ? { ...reply.headers, 'Set-Cookie': setCookies } : reply.headers;
  try {
    sendBody(req, res, reply.status, replyHeaders, reply.body);
  } catch (error) {
    // A bug in writing: logged, and the connection dropped rather than the process (an unhandled rejection).
    console.error('Unhandled error:', error);
    res.destroy();
  }
}

/** The query string's parameters, read as the URL parser reads them (a "#" ends the query). */
function queryOf(target: string): URLSearchParams {
  const at = target.indexOf('?');
  if (at === -1) return new URLSearchParams();
  const hash = target.indexOf('#', at);
  return new URLSearchParams(target.slice(at + 1, hash === -1 ? undefined : hash));
}

/** A path segment decoded as Astro decodes its route parameters (decodeURI); as sent if it is not valid. */
function decodeSegment(segment: string): string {
  try {
    return decodeURI(segment);
  } catch {
    return segment;
  }
}
