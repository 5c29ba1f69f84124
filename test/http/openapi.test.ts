/**
 * GET /api/openapi.json: every route and error code of the contract is in it, and the running
 * server's real responses validate against its schemas (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createPoll, request, type JsonResponse } from '../support/api';
import { ADMIN_TOKEN, useServer } from '../support/server';

/* eslint-disable @typescript-eslint/no-explicit-any -- the document is walked as plain JSON */

/** The contract's routes (SPEC.md "JSON API" and the analytics contract). */
const ROUTES = [
  ['get', '/api/polls'],
  ['get', '/api/polls/{slug}'],
  ['post', '/api/polls/{slug}/votes'],
  ['get', '/api/polls/{slug}/results'],
  ['get', '/api/polls/{slug}/results.csv'],
  ['get', '/api/polls/{slug}/results/stream'],
  ['get', '/api/polls/{slug}/rounds.csv'],
  ['get', '/api/polls/{slug}/trend'],
  ['get', '/healthz'],
  ['post', '/api/admin/polls'],
  ['patch', '/api/admin/polls/{slug}'],
  ['delete', '/api/admin/polls/{slug}'],
  // The surveys contract.
  ['get', '/api/surveys'],
  ['get', '/api/surveys/{slug}'],
  ['post', '/api/surveys/{slug}/responses'],
  ['get', '/api/surveys/{slug}/results'],
  ['get', '/api/surveys/{slug}/trend'],
  ['get', '/api/surveys/{slug}/results/stream'],
  ['get', '/api/surveys/{slug}/responses.csv'],
  ['get', '/api/admin/surveys'],
  ['post', '/api/admin/surveys'],
  ['get', '/api/admin/surveys/{slug}'],
  ['patch', '/api/admin/surveys/{slug}'],
  ['delete', '/api/admin/surveys/{slug}'],
] as const;

/** The contract's error codes by status (SPEC.md "Error codes and statuses" and the analytics contract). */
const CODES: Record<string, string[]> = {
  400: ['invalid_json', 'invalid_body'],
  401: ['unauthorized'],
  403: ['poll_closed', 'poll_not_open', 'results_hidden', 'forbidden_origin'],
  404: ['poll_not_found', 'not_found'],
  409: ['already_voted', 'slug_taken', 'poll_has_votes', 'survey_has_responses'],
  413: ['body_too_large'],
  415: ['unsupported_media_type'],
  422: [
    'invalid_choice',
    'too_many_choices',
    'too_few_choices',
    'invalid_poll',
    'invalid_profile',
    'invalid_other',
    'invalid_breakdown',
    'invalid_answers',
  ],
  429: ['rate_limited'],
  503: ['storage_unavailable'],
};

describe('GET /api/openapi.json', () => {
  const server = useServer({ env: { SEGMENT_MIN_N: '3' } });
  let doc: any;
  const load = async () => (doc ??= (await request(`${server.url}/api/openapi.json`)).body);

  it('is an OpenAPI 3.1 document with every route of the contract', async () => {
    const response = await request(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.body.openapi).toBe('3.1.0');
    for (const [method, path] of ROUTES) expect(response.body.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });

  it('names every error code of the contract under its status, in some route', async () => {
    const document = await load();
    const enumOfCodes: string[] = document.components.schemas.Error.properties.error.properties.code.enum;
    for (const [status, codes] of Object.entries(CODES)) {
      const descriptions = Object.values(document.paths as Record<string, any>)
        .flatMap((path) => Object.values(path as Record<string, any>))
        .map((operation) => operation.responses?.[status]?.description ?? '')
        .join(' ');
      for (const code of codes) {
        expect(enumOfCodes).toContain(code);
        expect(descriptions, `${status} ${code}`).toContain(code);
      }
    }
  });

  it("validates the server's real responses against the document's schemas", async () => {
    const document = await load();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('date-time', true);
    ajv.addSchema(document, 'openapi.json');
    const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
    const check = (method: string, path: string, response: JsonResponse) => {
      const ref = `openapi.json#/paths/${pointer(path, method)}/responses/${response.status}/content/${pointer('application/json')}/schema`;
      const validate = ajv.compile({ $ref: ref });
      const valid = validate(response.body);
      expect(valid, `${method} ${path} ${response.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    };

    const poll = await createPoll(server.url, {
      slug: 'shape',
      question: 'Shape?',
      options: ['A', 'B'],
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
      profile: ['role', 'companySize'],
    });
    check('post', '/api/admin/polls', { status: 201, headers: new Headers(), body: poll });
    for (let i = 0; i < 4; i++) {
      const vote = await request(`${server.url}/api/polls/shape/votes`, {
        method: 'POST',
        json: { choices: [i % 2 ? 'a' : 'b'], profile: { role: 'manager' } },
      });
      check('post', '/api/polls/{slug}/votes', vote);
    }
    check('get', '/api/polls', await request(`${server.url}/api/polls`));
    check('get', '/api/polls/{slug}', await request(`${server.url}/api/polls/shape`));
    check('get', '/api/polls/{slug}/results', await request(`${server.url}/api/polls/shape/results`));
    check('get', '/api/polls/{slug}/results', await request(`${server.url}/api/polls/shape/results?by=role`));
    check(
      'get',
      '/api/polls/{slug}/results',
      await request(`${server.url}/api/polls/shape/results?by=role&where=companySize:not-stated`),
    );
    check('get', '/api/polls/{slug}/trend', await request(`${server.url}/api/polls/shape/trend?interval=week`));
    check('get', '/healthz', await request(`${server.url}/healthz`));
    const ordinal = await createPoll(server.url, {
      slug: 'scale',
      question: 'Share in production?',
      scale: 'ordinal',
      resultsVisibility: 'always',
      options: [
        { label: '< 10%', range: { low: 0, high: 10 } },
        { label: '10-20%', range: { low: 10, high: 20 } },
        { label: '> 20%', range: { low: 20, high: 100 } },
      ],
    });
    check('get', '/api/polls/{slug}', await request(`${server.url}/api/polls/scale`));
    await request(`${server.url}/api/polls/scale/votes`, {
      method: 'POST',
      json: { choices: [ordinal.options[1].key] },
    });
    const scaled = await request(`${server.url}/api/polls/scale/results`);
    check('get', '/api/polls/{slug}/results', scaled);
    expect(scaled.body.ordinal).toMatchObject({ medianKey: '10-20', median: 15 });
    // The question types: a ranked count, a rating summary, a write-in counted as "other".
    const kinds = [
      { slug: 'ranked', type: 'ranked', options: ['A', 'B', 'C'], ballot: { choices: ['c', 'a'] } },
      { slug: 'rated', type: 'rating', options: ['1', '2', '3'], ballot: { choices: ['2'] } },
      { slug: 'other', type: 'single', allowOther: true, options: ['A', 'B'], ballot: { choices: [], other: 'D' } },
    ];
    for (const { ballot, ...input } of kinds) {
      const created = await createPoll(server.url, { question: 'Kind?', resultsVisibility: 'always', ...input });
      check('post', '/api/admin/polls', { status: 201, headers: new Headers(), body: created });
      check('get', '/api/polls/{slug}', await request(`${server.url}/api/polls/${input.slug}`));
      const voted = await request(`${server.url}/api/polls/${input.slug}/votes`, { method: 'POST', json: ballot });
      check('post', '/api/polls/{slug}/votes', voted);
      check('get', '/api/polls/{slug}/results', await request(`${server.url}/api/polls/${input.slug}/results`));
    }
    const refused = await request(`${server.url}/api/polls/other/votes`, {
      method: 'POST',
      json: { choices: ['other'] },
    });
    expect(refused.status).toBe(422);
    check('post', '/api/polls/{slug}/votes', refused);
    const admin = { token: ADMIN_TOKEN };
    check('get', '/api/admin/polls', await request(`${server.url}/api/admin/polls`, admin));
    check(
      'patch',
      '/api/admin/polls/{slug}',
      await request(`${server.url}/api/admin/polls/shape`, {
        ...admin,
        method: 'PATCH',
        json: { question: 'Shape now?' },
      }),
    );
    // Errors: the envelope, under the status the document gives them.
    check('get', '/api/polls/{slug}', await request(`${server.url}/api/polls/none`));
    check('get', '/api/polls/{slug}/results', await request(`${server.url}/api/polls/shape/results?by=region`));
    check(
      'post',
      '/api/polls/{slug}/votes',
      await request(`${server.url}/api/polls/shape/votes`, {
        method: 'POST',
        json: { choices: ['a'], profile: { role: 'x' } },
      }),
    );
    check('post', '/api/admin/polls', await request(`${server.url}/api/admin/polls`, { method: 'POST', json: {} }));
    check(
      'patch',
      '/api/admin/polls/{slug}',
      await request(`${server.url}/api/admin/polls/shape`, {
        ...admin,
        method: 'PATCH',
        json: { options: ['X', 'Y'] },
      }),
    );
  });

  it("validates the survey API's real answers and refusals against the document", async () => {
    const document = await load();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('date-time', true);
    ajv.addSchema(document, 'openapi.json');
    const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
    const check = (method: string, path: string, response: JsonResponse) => {
      const ref = `openapi.json#/paths/${pointer(path, method)}/responses/${response.status}/content/${pointer('application/json')}/schema`;
      const validate = ajv.compile({ $ref: ref });
      expect(validate(response.body), `${method} ${path} ${response.status}: ${ajv.errorsText(validate.errors)}`).toBe(
        true,
      );
    };
    const admin = { token: ADMIN_TOKEN };
    const created = await request(`${server.url}/api/admin/surveys`, {
      ...admin,
      method: 'POST',
      json: {
        slug: 'doc-survey',
        title: 'Doc survey',
        resultsVisibility: 'always',
        duplicatePolicy: 'none',
        profile: ['role'],
        questions: [
          { question: 'One?', options: ['A', 'B'], required: true },
          { question: 'Two?', type: 'ranked', options: ['A', 'B', 'C'] },
        ],
      },
    });
    expect(created.status).toBe(201);
    check('post', '/api/admin/surveys', created);
    check('get', '/api/admin/surveys', await request(`${server.url}/api/admin/surveys`, admin));
    check('get', '/api/admin/surveys/{slug}', await request(`${server.url}/api/admin/surveys/doc-survey`, admin));
    check(
      'patch',
      '/api/admin/surveys/{slug}',
      await request(`${server.url}/api/admin/surveys/doc-survey`, {
        ...admin,
        method: 'PATCH',
        json: { title: 'Doc' },
      }),
    );
    check('get', '/api/surveys', await request(`${server.url}/api/surveys`));
    check('get', '/api/surveys/{slug}', await request(`${server.url}/api/surveys/doc-survey`));
    const answered = await request(`${server.url}/api/surveys/doc-survey/responses`, {
      method: 'POST',
      json: { answers: { 'doc-survey-1': { choices: ['a'] }, 'doc-survey-2': { choices: ['c', 'a'] } } },
    });
    expect(answered.status).toBe(201);
    check('post', '/api/surveys/{slug}/responses', answered);
    // Refusals: the envelope (with problems for invalid_answers), under the status the document gives them.
    const refused = await request(`${server.url}/api/surveys/doc-survey/responses`, {
      method: 'POST',
      json: { answers: { 'doc-survey-1': { choices: ['z'] }, nope: { choices: [] } } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.problems.length).toBe(2);
    check('post', '/api/surveys/{slug}/responses', refused);
    check('get', '/api/surveys/{slug}', await request(`${server.url}/api/surveys/none`));
    check(
      'patch',
      '/api/admin/surveys/{slug}',
      await request(`${server.url}/api/admin/surveys/doc-survey`, {
        ...admin,
        method: 'PATCH',
        json: { questions: [{ question: 'New?', options: ['A', 'B'] }] },
      }),
    );
  });
});
