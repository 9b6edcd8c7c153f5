/**
 * `npm run openapi` writes docs/openapi.json: the OpenAPI 3.1 document of the public JSON API,
 * generated from the zod schemas the handlers validate with (shared/intake/submission.ts,
 * `contractRegistry`), so the published contract and the checks cannot drift apart. A unit test
 * (test/unit/intake/openapi.test.ts) fails when the committed file differs from what this makes.
 * GET /openapi.json serves the committed file, with the deployment's address as its server.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as z from 'zod/mini';
import { MAX_BODY_BYTES } from '#http/middleware';
import { contractRegistry, UNKNOWN_FIELD_ERROR } from '#shared/intake/submission';
import { z as zc } from 'zod';
import { ACTION_SCHEMAS, ACTION_NAMES } from '#shared/cases/act';
import { staffEntrySchema } from '#shared/cases/enter';
import { QUEUE_VIEWS } from '#domain/queue';
import { EXPORT_ID, EXPORT_KINDS, EXPORT_LINK_DAYS } from '#domain/export';
import { runRequestSchema } from '#shared/reports/desk';
import { REPORT_FILES } from '#shared/reports/record';
import { placeSchema, releaseSchema } from '#shared/retention/account-holds';
import { LIFT_GROUNDS } from '#domain/restriction';

export const OPENAPI_FILE = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** The contract's schemas as OpenAPI components: JSON Schema 2020-12 (OpenAPI 3.1's dialect), without per-schema $schema and $id. */
function componentSchemas(): Record<string, Json> {
  const { schemas } = z.toJSONSchema(contractRegistry, {
    metadata: contractRegistry,
    io: 'input',
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _s, $id: _i, ...rest } = schema as Record<string, Json>;
      return [id, rest];
    }),
  );
}

const problem = (description: string, extra: Record<string, Json> = {}): Json => ({
  type: 'object',
  description,
  properties: { error: { type: 'string', description: 'The error name, e.g. ValidationError' }, message: { type: 'string' }, ...extra },
  required: ['error', 'message'],
});

const answer = (description: string, schema: string, headers?: Record<string, Json>): Json => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ref(schema) } },
});

/** A staff schema as JSON Schema (input side: what a client sends), without $schema. */
function staffSchema(schema: zc.ZodType, extra: { required?: string[]; properties?: Record<string, Json> } = {}): Record<string, Json> {
  const { $schema: _s, ...rest } = zc.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, Json>;
  const required = [...new Set([...((rest.required as string[] | undefined) ?? []), ...(extra.required ?? [])])];
  return {
    ...rest,
    properties: { ...(extra.properties ?? {}), ...(rest.properties as Record<string, Json>) },
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  };
}

/** Every desk action as one schema: `action` names it, the rest are its fields. */
function actionSchemas(): Record<string, Json> {
  return Object.fromEntries(
    ACTION_NAMES.map((name) => {
      const listFields = name === 'reclassify' ? ['rights'] : [];
      return [`Action-${name}`, staffSchema(ACTION_SCHEMAS[name], { required: ['action', ...listFields], properties: { action: { const: name } } })];
    }),
  );
}

/** The case's answer as GET /api/cases/{reference} shows it (shared/cases/case-json.ts, exportJson): the summary without its S3 key. */
function caseExportSchema(): Json {
  const instant = { type: 'string', format: 'date-time' };
  const orNull = (schema: Json): Json => ({ oneOf: [schema, { type: 'null' }] });
  const count = { type: 'integer', minimum: 0 };
  return {
    type: 'object',
    description: 'The access or portability answer: prepared (for the DPO to review), then released to the requester through a signed link.',
    properties: {
      id: { type: 'string', pattern: EXPORT_ID.source },
      kind: { type: 'string', enum: [...EXPORT_KINDS] },
      runId: { type: 'string', description: 'The search run it was built from.' },
      registerVersion: { type: 'string' },
      preparedAt: instant,
      preparedBy: { type: 'string', description: 'staff:<email>' },
      bytes: { ...count, description: 'Size of the ZIP.' },
      recordsBySource: { type: 'object', description: 'Records included, by register system id.', additionalProperties: count },
      redacted: { ...count, description: 'Records left out as third-party data.' },
      processorRecordsWithheld: { ...count, description: 'Records Icetrak holds as processor, forwarded to its customers instead.' },
      releasedAt: orNull(instant),
      releasedBy: orNull({ type: 'string' }),
      linkExpiresAt: orNull({ ...instant, description: `The link stops working then (released + ${EXPORT_LINK_DAYS} days).` }),
      downloads: count,
      lastDownloadedAt: orNull(instant),
    },
    required: [
      'id',
      'kind',
      'runId',
      'registerVersion',
      'preparedAt',
      'preparedBy',
      'bytes',
      'recordsBySource',
      'redacted',
      'processorRecordsWithheld',
      'releasedAt',
      'releasedBy',
      'linkExpiresAt',
      'downloads',
      'lastDownloadedAt',
    ],
    additionalProperties: false,
  };
}

const bearer = [{ staffBearer: [] }];

/**
 * The case document, described where a client relies on it (issue 14): the search per source of
 * the latest run, the run itself, and the answer; the rest is as GET returns it.
 */
function caseDocument(): Record<string, Json> {
  const nullable = (type: string): Json => ({ type: [type, 'null'] });
  return {
    type: 'object',
    required: ['export', 'restriction'],
    properties: {
      restriction: restrictionSchema(),
      export: { oneOf: [ref('CaseExport'), { type: 'null' }], description: 'The case’s answer, or null before one is prepared.' },
      searches: {
        type: 'array',
        description: 'The latest search run, one entry per system of the processing register (empty before the first search).',
        items: {
          type: 'object',
          required: ['source', 'name', 'status', 'identifiers', 'recordCount', 'searchedAt'],
          properties: {
            source: { type: 'string', description: 'The register system’s id.' },
            name: { type: 'string' },
            status: { type: 'string', enum: ['running', 'done', 'failed', 'awaiting-staff', 'not-searched'] },
            identifiers: {
              type: 'array',
              items: {
                type: 'object',
                required: ['kind', 'value'],
                properties: { kind: { type: 'string', enum: ['email', 'phone', 'accountId'] }, value: { type: 'string' } },
              },
            },
            recordCount: nullable('integer'),
            searchedAt: { type: ['string', 'null'], format: 'date-time' },
            failure: { type: 'string', description: 'Why it failed: the error’s name and a fixed sentence, never the error’s text.' },
            customers: {
              type: 'array',
              description: 'Traffic: the customers whose traffic matched (processor data, to forward to them; not Icetrak’s to disclose).',
              items: {
                type: 'object',
                required: ['accountId', 'name', 'records'],
                properties: { accountId: { type: 'string' }, name: { type: 'string' }, records: { type: 'integer' } },
              },
            },
          },
        },
      },
      searchRun: {
        type: ['object', 'null'],
        properties: {
          runId: { type: 'string' },
          registerVersion: { type: 'string' },
          startedAt: { type: 'string', format: 'date-time' },
          startedBy: { type: 'string' },
          finishedAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
    },
  };
}

/** The case's restriction and its lifting (Art. 18(3); shared/cases/case-json.ts, restrictionJson), or null. */
function restrictionSchema(): Json {
  const instant = { type: 'string', format: 'date-time' };
  const count = { type: 'integer', minimum: 0 };
  const date = { type: 'string', format: 'date' };
  return {
    description:
      'The restriction an executed plan put on the person’s records, and its lifting: announced to the requester first (announce-restriction-lift, with a letter), then a lift plan (lift-restriction) approved with approve-plan. Null when nothing was restricted.',
    oneOf: [
      {
        type: 'object',
        required: ['restrictedAt', 'records', 'plans', 'lift'],
        properties: {
          restrictedAt: instant,
          records: count,
          plans: {
            type: 'array',
            items: {
              type: 'object',
              required: ['planId', 'restrictedAt', 'records'],
              properties: { planId: { type: 'string' }, restrictedAt: instant, records: count },
            },
          },
          lift: {
            oneOf: [
              {
                type: 'object',
                required: ['ground', 'reason', 'liftFrom', 'announcedAt', 'announcedBy', 'letter', 'planId', 'liftedAt'],
                properties: {
                  ground: { type: 'string', enum: [...LIFT_GROUNDS] },
                  reason: { type: 'string' },
                  liftFrom: { ...date, description: 'The requester was told it is lifted on or after this London date.' },
                  announcedAt: instant,
                  announcedBy: { type: 'string', description: 'staff:<email>' },
                  letter: {
                    type: 'object',
                    required: ['id', 'state'],
                    description: 'The letter that told the requester: a lift plan is made only once it is sent.',
                    properties: { id: { type: 'string' }, state: { type: ['string', 'null'] } },
                  },
                  planId: { type: ['string', 'null'], description: 'The lift plan, once made.' },
                  liftedAt: { type: ['string', 'null'], format: 'date-time' },
                },
              },
              { type: 'null' },
            ],
          },
        },
      },
      { type: 'null' },
    ],
  };
}

/** The staff API (the DPO desk's JSON side): Bearer access tokens of the staff issuer. */
function staffPaths(): Record<string, Json> {
  const problem = (description: string) => answer(description, 'Problem');
  const common = {
    '401': problem('No valid access token (missing, expired, another issuer or client).'),
    '403': problem('Signed in, but the role does not allow this (a viewer acting).'),
  };
  const reference = { name: 'reference', in: 'path', required: true, schema: { type: 'string', pattern: '^RD-[0-9A-Z]{6}$' } };
  return {
    '/api/cases': {
      get: {
        operationId: 'listCases',
        summary: 'One page of a desk queue, or a search',
        security: bearer,
        parameters: [
          { name: 'view', in: 'query', schema: { type: 'string', enum: [...QUEUE_VIEWS], default: 'open' } },
          { name: 'q', in: 'query', description: 'A case reference, or a requester’s full email address.', schema: { type: 'string', maxLength: 254 } },
          { name: 'cursor', in: 'query', description: 'The `next` of the previous page.', schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description: 'Up to 50 cases, and `next` when there are more.',
            content: { 'application/json': { schema: { type: 'object', required: ['cases'] } } },
          },
          '400': answer(
            'An unknown view, a search that is neither a reference nor an email address, or a cursor this API did not make.',
            'ValidationProblem',
          ),
          ...common,
        },
      },
      post: {
        operationId: 'enterRequest',
        summary: 'Log a request made by phone, post, in person or email (staff entry; dpo only)',
        security: bearer,
        requestBody: { required: true, content: { 'application/json': { schema: ref('StaffEntry') } } },
        responses: {
          '201': { description: 'The new case.', content: { 'application/json': { schema: { type: 'object', required: ['reference'] } } } },
          '400': answer('Fields that need correcting.', 'ValidationProblem'),
          ...common,
        },
      },
    },
    '/api/cases/{reference}': {
      get: {
        operationId: 'getCase',
        summary: 'A case: due date and why (dueExplanation), timeline, correspondence, allowed actions, the search of Icetrak’s systems',
        security: bearer,
        parameters: [reference],
        responses: {
          '200': { description: 'The case.', content: { 'application/json': { schema: caseDocument() } } },
          '404': problem('No such case.'),
          ...common,
        },
      },
    },
    '/api/cases/{reference}/actions': {
      post: {
        operationId: 'actOnCase',
        summary: 'One lifecycle action, with its letter to the requester (dpo only)',
        security: bearer,
        parameters: [reference],
        requestBody: { required: true, content: { 'application/json': { schema: { oneOf: ACTION_NAMES.map((n) => ref(`Action-${n}`)) } } } },
        responses: {
          '200': { description: 'The case after the action.', content: { 'application/json': { schema: caseDocument() } } },
          '400': answer('Fields that need correcting, or an unknown action.', 'ValidationProblem'),
          '404': problem('No such case.'),
          '409': problem(
            'The law or the case’s state does not allow this move now; `error` names the rule (e.g. NotComplexError, InvalidTransitionError; SearchNotFinishedError for prepare-export before the search has finished, ExportNotReleasableError for release-export with nothing to release).',
          ),
          '422': problem('The move needs something it lacks (e.g. MissingGroundError, ExtensionTooLateError).'),
          ...common,
        },
      },
    },
    '/api/register': {
      get: {
        operationId: 'getRegister',
        summary: 'Icetrak’s processing register (UK GDPR Art. 30): every system Rightsdesk searches or names in an answer',
        description:
          'The register as configured (`shared/fulfilment/icetrak-register.ts`) and validated: `version`, `controller`, and `systems`, each with name, description, role (controller or processor), categories, purposes, lawfulBasis, source, recipients (ids), retention (account-7y, rightsdesk-case or processor), storage, transfers, automatedDecisions, identifiedBy, connector (kind: sql with its named read-only queries, traffic, rightsdesk, manual with its instructions, none) and `defaults`: the fields whose words are Icetrak’s defaults, not the privacy notice’s; `recipients`, each with id, name, receives, purpose, location, noticeEmail, noticeApi (where Art. 19 notices are POSTed instead: `url` and `tokenSecret`, the name of its token’s secret, never the token) and `defaults`. The desk shows the same at /desk/register.',
        security: bearer,
        responses: {
          '200': {
            description: 'The register.',
            content: { 'application/json': { schema: { type: 'object', required: ['version', 'controller', 'systems', 'recipients'] } } },
          },
          ...common,
        },
      },
    },
    '/api/reports': {
      get: {
        operationId: 'listReports',
        summary: 'The compliance reports made so far, newest period first',
        security: bearer,
        parameters: [{ name: 'cursor', in: 'query', description: 'The `next` of the previous page.', schema: { type: 'string' } }],
        responses: {
          '200': {
            description:
              'Up to 50 reports (id, kind, period, when made and by whom, headline numbers, the URLs of `html`, `csv` and `figures`), and `next` when there are more.',
            content: { 'application/json': { schema: { type: 'object', required: ['reports'] } } },
          },
          ...common,
        },
      },
      post: {
        operationId: 'runReport',
        summary: 'Make (or remake) the monthly report of a month (YYYY-MM) or the weekly digest of an ISO week (YYYY-Www) now (dpo only)',
        description:
          'A re-run replaces the period’s files. The DPO team’s mailbox is mailed the first time a period is reported, and again (marked updated) when a re-run changes its headline numbers.',
        security: bearer,
        requestBody: { required: true, content: { 'application/json': { schema: ref('ReportRun') } } },
        responses: {
          '201': {
            description: 'The report: `id`, and the URLs of its `html` report and `csv` (one row per case, no names or addresses).',
            content: { 'application/json': { schema: { type: 'object', required: ['id', 'html', 'csv'] } } },
          },
          '400': answer('Fields that need correcting (an unknown kind, a period that is not one or has not started).', 'ValidationProblem'),
          ...common,
        },
      },
    },
    '/api/reports/{id}/{file}': {
      get: {
        operationId: 'getReportFile',
        summary: 'A report’s HTML, its CSV, or its figures as JSON',
        security: bearer,
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^(monthly-\\d{4}-\\d{2}|weekly-\\d{4}-W\\d{2})$' } },
          { name: 'file', in: 'path', required: true, schema: { type: 'string', enum: Object.values(REPORT_FILES).map((f) => f.name) } },
        ],
        responses: {
          '200': {
            description: 'The file.',
            content: Object.fromEntries(Object.values(REPORT_FILES).map((f) => [f.contentType.split(';')[0] as string, { schema: { type: 'string' } }])),
          },
          '404': problem('No such report or file.'),
          ...common,
        },
      },
    },
    '/api/retention-reviews/{month}': {
      get: {
        operationId: 'getRetentionReview',
        summary: 'A month’s retention review of Icetrak’s customer accounts: those whose 7 years after closing ended in the month',
        description:
          'Made on the first working day of each month for the month before, or from the desk. `due`: accounts to delete in Icetrak’s systems (accountId, name, closedOn, keptUntil); `held`: accounts under legal hold, kept, with the hold’s reason, since and reviewOn.',
        security: bearer,
        parameters: [{ name: 'month', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } }],
        responses: {
          '200': {
            description: 'The review: month, closedFrom, closedTo, generatedAt, firstGeneratedAt, runs, due and held.',
            content: { 'application/json': { schema: { type: 'object', required: ['month', 'due', 'held'] } } },
          },
          '400': answer('The month is not written YYYY-MM.', 'ValidationProblem'),
          '404': problem('The month has not been reviewed.'),
          ...common,
        },
      },
    },
    '/api/account-holds': {
      post: {
        operationId: 'placeAccountHold',
        summary: 'Place a legal hold on an Icetrak customer account (dpo only): the retention review lists it as held, never due',
        security: bearer,
        requestBody: { required: true, content: { 'application/json': { schema: ref('AccountHoldPlace') } } },
        responses: {
          '201': {
            description: 'The hold: accountId (normalised, ACC-####), reason, since, reviewOn.',
            content: { 'application/json': { schema: { type: 'object', required: ['accountId', 'reason', 'since'] } } },
          },
          '400': answer('Fields that need correcting (an account id, a missing reason, a review date in the past).', 'ValidationProblem'),
          '409': problem('The account is already on legal hold.'),
          ...common,
        },
      },
    },
    '/api/account-holds/{accountId}/release': {
      post: {
        operationId: 'releaseAccountHold',
        summary: 'Release an account’s legal hold, with a reason (dpo only); the hold’s history keeps both',
        security: bearer,
        parameters: [{ name: 'accountId', in: 'path', required: true, schema: { type: 'string', pattern: '^ACC-\\d{3,10}$' } }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('AccountHoldRelease') } } },
        responses: {
          '200': { description: 'Released.', content: { 'application/json': { schema: { type: 'object', required: ['accountId', 'released'] } } } },
          '400': answer('Fields that need correcting (the reason).', 'ValidationProblem'),
          '409': problem('The account is not on legal hold.'),
          ...common,
        },
      },
    },
  };
}

/** A desk form's schema for the API: the form token is the desk's, not the API's. */
function withoutCsrf(schema: zc.ZodType): Record<string, Json> {
  const full = staffSchema(schema);
  const { _csrf: _ignored, ...properties } = full.properties as Record<string, Json>;
  return { ...full, properties };
}

export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Icetrak privacy requests (Rightsdesk)',
      version: '1.0.0',
      description:
        'Make a data-subject rights request to Icetrak Ltd under the UK GDPR and the Data Protection Act 2018. The HTML form at / posts the same fields form-encoded (it may send a single `rights` field, and the person acted for as `onBehalfOf.fullName` and so on) and is answered with a 303 redirect to a receipt page; JSON clients are answered as described here. Every answer carries `Cache-Control: no-store`.',
      contact: { name: 'Data Protection Officer', email: 'dpo@icetrak.net' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths: {
      '/requests': {
        post: {
          operationId: 'submitRequest',
          summary: 'Make a rights request',
          description:
            'Creates one case per distinct request. A retry with the same Idempotency-Key (24 hours), or the same content within 10 minutes, answers 200 with the same reference. At most 10 new requests per client per hour.',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Any string you choose per request (first 200 characters are used); a retry with the same key makes no second case.',
              schema: { type: 'string', minLength: 1 },
            },
          ],
          requestBody: {
            required: true,
            description: `At most ${MAX_BODY_BYTES / 1024} KB.`,
            content: { 'application/json': { schema: ref('Submission') } },
          },
          responses: {
            '201': answer('Request received: a new case.', 'SubmitAnswer'),
            '200': answer('A retry of an earlier request: the same case.', 'SubmitAnswer'),
            '400': answer(
              `The body is not JSON, not an object, or does not match the Submission schema. \`errors\` names each bad field (\`onBehalfOf.fullName\` for a nested one) with a message for a person; a field the schema does not name gets "${UNKNOWN_FIELD_ERROR}".`,
              'ValidationProblem',
            ),
            '413': answer(`The body is larger than ${MAX_BODY_BYTES / 1024} KB.`, 'Problem'),
            '415': answer('The body is neither application/json nor the form encoding (application/x-www-form-urlencoded).', 'Problem'),
            '429': answer('Too many new requests from this client; retries of earlier ones are still answered.', 'Problem'),
            '500': answer('Something failed on our side; quote the correlation id if you contact us.', 'InternalProblem'),
          },
        },
      },
      ...staffPaths(),
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: { '200': { description: 'The OpenAPI document of this API.', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
    components: {
      schemas: {
        ...componentSchemas(),
        Problem: problem('What went wrong, in words for a person.'),
        ValidationProblem: problem('Some fields need correcting.', {
          errors: { type: 'object', description: 'One message per bad field, by field name.', additionalProperties: { type: 'string' } },
        }),
        InternalProblem: problem('An unexpected failure.', { correlationId: { type: 'string' } }),
        StaffEntry: staffSchema(staffEntrySchema, { required: ['rights'] }),
        ReportRun: (() => {
          const { _csrf: _ignored, ...properties } = staffSchema(runRequestSchema).properties as Record<string, Json>;
          return { ...staffSchema(runRequestSchema), properties };
        })(),
        AccountHoldPlace: withoutCsrf(placeSchema),
        AccountHoldRelease: withoutCsrf(releaseSchema),
        ...actionSchemas(),
        CaseExport: caseExportSchema(),
      },
      securitySchemes: {
        staffBearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An access token of the staff issuer (Cognito in AWS; `npm run token -- <email>` locally). Group dpo acts; viewer reads.',
        },
      },
    },
  };
}

/** The document as written to docs/openapi.json. */
export const openApiText = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(OPENAPI_FILE, openApiText());
  console.log(`wrote ${OPENAPI_FILE}`);
}
