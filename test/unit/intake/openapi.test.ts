/**
 * The published contract (docs/openapi.json) is what the schemas generate, and it bounds every
 * value: a schema change without `npm run openapi` fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RIGHTS } from '#domain/case';
import { LIMITS } from '#domain/text';
import { OPENAPI_FILE, openApiDocument, openApiText } from '#infra/tools/openapi';
import { ACTION_NAMES } from '#shared/cases/act';

type Schema = Record<string, unknown>;
const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };
const schemas = doc.components.schemas;

/** Every subschema, with its path, for the bound checks. */
function walk(node: unknown, path: string, out: Array<[string, Schema]> = []): Array<[string, Schema]> {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}[${i}]`, out));
  else if (node && typeof node === 'object') {
    out.push([path, node as Schema]);
    for (const [k, v] of Object.entries(node)) walk(v, `${path}.${k}`, out);
  }
  return out;
}

describe('docs/openapi.json', () => {
  it('is exactly what `npm run openapi` generates from the schemas', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8'), 'docs/openapi.json is stale: run `npm run openapi` and commit it').toBe(openApiText());
  });

  it('is OpenAPI 3.1 and names the request body, its answers and the nested person by reference', () => {
    expect(doc.openapi).toBe('3.1.0');
    const post = doc.paths['/requests']!.post as { requestBody: { content: Record<string, unknown> }; responses: Record<string, unknown> };
    expect(post.requestBody.content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/Submission' } } });
    expect(Object.keys(post.responses).sort()).toEqual(['200', '201', '400', '413', '415', '429', '500']);
    expect((schemas.Submission!.properties as Schema).onBehalfOf).toEqual({ $ref: '#/components/schemas/OnBehalfOf' });
    for (const s of Object.values(schemas)) expect(s).not.toHaveProperty('$schema');
  });

  it('says what the handler checks: rights an array, no other fields, email or postal address', () => {
    const submission = schemas.Submission!;
    expect((submission.properties as Schema).rights).toEqual({
      type: 'array',
      minItems: 1,
      maxItems: RIGHTS.length,
      items: { type: 'string', enum: [...RIGHTS] },
    });
    expect(submission.additionalProperties).toBe(false);
    expect(schemas.OnBehalfOf!.additionalProperties).toBe(false);
    expect(submission.required).toEqual(['rights', 'fullName', 'relationship']);
    expect(submission.anyOf).toEqual([{ required: ['email'] }, { required: ['postalAddress'] }]);
    expect(schemas.OnBehalfOf!.required).toEqual(['fullName', 'capacity', 'authority']);
    expect(((submission.properties as Schema).postalAddress as Schema).maxLength).toBe(LIMITS.postalAddress);
  });

  it('bounds every string and every array of the request', () => {
    const unbounded = [...walk(schemas.Submission, 'Submission'), ...walk(schemas.OnBehalfOf, 'OnBehalfOf')]
      .filter(([, s]) => (s.type === 'string' && s.maxLength === undefined && s.enum === undefined) || (s.type === 'array' && s.maxItems === undefined))
      .map(([path]) => path);
    expect(unbounded).toEqual([]);
  });

  it('documents the staff API: every action a schema of exactly its fields, staff entry with its required fields, all behind a Bearer token', () => {
    for (const path of ['/api/cases', '/api/cases/{reference}', '/api/cases/{reference}/actions']) {
      for (const op of Object.values(doc.paths[path]!)) expect((op as { security: unknown }).security).toEqual([{ staffBearer: [] }]);
    }
    const oneOf = (
      (doc.paths['/api/cases/{reference}/actions']!.post as Schema).requestBody as { content: Record<string, { schema: { oneOf: Schema[] } }> }
    ).content['application/json']!.schema.oneOf;
    expect(oneOf).toHaveLength(ACTION_NAMES.length);
    for (const name of ACTION_NAMES) {
      const schema = schemas[`Action-${name}`]!;
      expect((schema.properties as Schema).action).toEqual({ const: name });
      expect(schema.required).toContain('action');
      expect(schema.additionalProperties).toBe(false);
    }
    expect((schemas['Action-refuse']!.required as string[]).sort()).toEqual(['action', 'ground', 'reasons']);
    expect((schemas.StaffEntry!.required as string[]).sort()).toEqual(['channel', 'fullName', 'receivedOn', 'rights']);
  });
});
