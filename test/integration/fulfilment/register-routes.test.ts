/**
 * The processing register in the desk and the staff API (issue 14), on the local stack with the
 * real handlers and the manifests' routes: GET /desk/register for a signed-in member of staff
 * (sign-in first otherwise), GET /api/register with a Bearer token (401 without), both for a
 * viewer too (reading only).
 */
import { HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { DEFAULT_TAG } from '#shared/templates/register-page';
import { bearerFor, signInAs, staffCall } from '#test/support/staff';

const DPO = 'dpo.lead@icetrak.net';
const AUDITOR = 'auditor@icetrak.net';
// As the desk's other page tests: the layout's doctype and inline styles are by design.
const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: { 'doctype-style': 'off', 'no-inline-style': 'off', 'prefer-native-element': 'off' },
});

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, log: () => undefined });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const deskGet = (path: string, cookie?: string) => fetch(`${stack.urls.api}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

describe('GET /desk/register', () => {
  it('sends a browser without a session to sign in', async () => {
    const res = await deskGet('/desk/register');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/\/desk\/sign-in\?/);
  });

  it('shows a viewer every system of the register, defaults marked, as a valid desk page without script', async () => {
    const { cookie } = await signInAs(stack, AUDITOR);
    const res = await deskGet('/desk/register', cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    for (const s of ICETRAK_REGISTER.systems) expect(html).toContain(`data-system="${s.id}"`);
    expect(html).toContain(DEFAULT_TAG);
    expect(html).toContain('aria-current="page">Processing register</a>');
    const report = await validator.validateString(html);
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`))).toEqual([]);
  });

  it('is linked from the desk’s other pages', async () => {
    const { cookie } = await signInAs(stack, DPO);
    const html = await (await deskGet('/desk', cookie)).text();
    expect(html).toMatch(/<a href="[^"]*\/desk\/register">Processing register<\/a>/);
  });
});

describe('GET /api/register', () => {
  it('answers 401 without a token', async () => {
    const res = await staffCall(stack, '/api/register', undefined);
    expect(res.status).toBe(401);
  });

  it('answers the register as JSON, every system with every field and its defaults, to a viewer too', async () => {
    const res = await staffCall(stack, '/api/register', await bearerFor(stack, AUDITOR));
    expect(res.status, res.text).toBe(200);
    const doc = res.json<typeof ICETRAK_REGISTER>();
    expect(doc).toEqual(JSON.parse(JSON.stringify(ICETRAK_REGISTER)));
    expect(doc.systems.map((s) => s.id)).toEqual(['accounts', 'billing', 'traffic', 'rightsdesk', 'support-files']);
    expect(doc.systems.find((s) => s.id === 'billing')).toMatchObject({ recipients: ['kashflow'], retention: 'account-7y', role: 'controller' });
    expect(doc.recipients[0]).toMatchObject({ id: 'kashflow', defaults: ['location'] });
  });
});
