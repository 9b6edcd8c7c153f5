/**
 * The change plan in a real browser (issue 15): Debian's Chromium driven by playwright-core
 * against the whole local stack with Icetrak's demo data (the account system in PGlite behind
 * `pg`, the synthesised search and plan-execution workflows on the local runner).
 *
 * Ada's rectification of her billing contact's name, worked from the desk with the keyboard
 * alone: the DPO searches Icetrak's systems, records the manual source's search by hand, makes
 * the plan with the correction (first without the corrected value: a focused error summary),
 * reviews its lines, approves it, and sees it executed with Kashflow to be told (Art. 19). The
 * account system then holds the corrected name, Kashflow gets its notice once, and the page
 * passes axe at every step. Then Cara's request about her phone number, forwarded with the one
 * button to the two customers whose messages she received (Icetrak is their processor). The request itself is logged through the staff API: logging from
 * the desk is desk.browser.test.ts's journey.
 *
 * Never skipped: without /usr/bin/chromium the file fails and says how to install it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonDateOf } from '#domain/calendar';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import {
  assertChromiumInstalled,
  DESKTOP,
  expectAccessible,
  focusedId,
  launchChromium,
  reportLesserAxeFindings,
  tabTo,
  watchForProblems,
} from '#test/support/browser';
import { enterAndWait, signIn, submitAction, text, type CaseAt } from '#test/support/desk-browser';
import { emailsTo } from '#test/support/http';
import { bearerFor, staffCall } from '#test/support/staff';

// page.evaluate callbacks run in the page; tsconfig has no DOM lib (see test/support/browser.ts).
declare const document: any;

const DPO = 'dpo.lead@icetrak.net';
const KASHFLOW = 'support@kashflow.example';
const shots = mkdtempSync(join(tmpdir(), 'rightsdesk-plan-e2e-'));
let stack: LocalStack;
let browser: Browser;
let reference = '';
let token = '';

/** A request logged and the requester's identity confirmed through the staff API: its reference. */
async function logged(body: Record<string, unknown>): Promise<string> {
  const res = await staffCall(stack, '/api/cases', token, {
    method: 'POST',
    body: { channel: 'email', receivedOn: londonDateOf(new Date()), relationship: 'customer', ...body },
  });
  expect(res.status, res.text).toBe(201);
  const ref = res.json<{ reference: string }>().reference;
  const confirmed = await staffCall(stack, `/api/cases/${ref}/actions`, token, {
    method: 'POST',
    body: { action: 'confirm-identity', method: 'Replied from the address on the account' },
  });
  expect(confirmed.status, confirmed.text).toBe(200);
  return ref;
}

beforeAll(async () => {
  assertChromiumInstalled();
  [stack, browser] = await Promise.all([
    startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, icetrak: true, log: () => undefined }),
    launchChromium(),
  ]);
  console.log(`Plan browser test screenshots: ${shots}`);
  token = await bearerFor(stack, DPO);
  reference = await logged({ rights: ['rectification'], fullName: 'Ada Lovelace', email: 'ada@example.org', phone: '+447700900123' });
}, 180_000);

afterAll(async () => {
  if (browser) reportLesserAxeFindings();
  await browser?.close();
  await stack?.stop();
});

const at = (ref = reference): CaseAt => ({ path: `/desk/cases/${ref}`, by: DPO });
const formOf = (action: string, extra = '') => `form:has(input[name="action"][value="${action}"])${extra} button[type=submit]`;

/** Reloads the case page until `done` holds of its main text (the workflows run in the background). */
async function reloadUntil(page: Page, done: (main: string) => boolean, what: string): Promise<string> {
  for (let i = 0; i < 150; i++) {
    const main = await text(page, 'main');
    if (done(main)) return main;
    await new Promise((r) => setTimeout(r, 400));
    await page.reload({ waitUntil: 'load' });
  }
  throw new Error(`${what} did not show on the case page.`);
}

/** On the case page: the search of Icetrak's systems, run and finished, and the manual source's search recorded (nothing found). */
async function searchFromDesk(page: Page, ref: string): Promise<void> {
  expect((await submitAction(page, at(ref), 'search', formOf('search'))).what).toMatch(/search/i);
  await reloadUntil(page, (main) => /\(register [^)]+\), finished/.test(main), 'The finished search');
  const manual = formOf('record-manual-search', ':has(input[name="source"][value="support-files"])');
  expect(await page.locator(manual).count()).toBe(1);
  // "Nothing about this person" is the form's default, and no file is chosen; the DPO only sends it.
  await submitAction(page, at(ref), 'record-manual-search', manual);
}

/** The plan's grouped table: action and how many, per row. */
function planGroups(page: Page): Promise<Array<{ system: string; records: string; action: string; count: string }>> {
  return page.evaluate(() =>
    [...document.querySelectorAll('table.plan tbody tr')].map((tr: any) => ({
      system: tr.cells[0].textContent.trim(),
      records: tr.cells[1].textContent.trim(),
      action: tr.cells[2].textContent.trim(),
      count: tr.cells[5].textContent.trim(),
    })),
  );
}

async function accountSystemName(): Promise<string[]> {
  const client = new pg.Client({ connectionString: stack.icetrak!.accountsUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ full_name: string }>("SELECT full_name FROM billing_contacts WHERE lower(email) = 'ada@example.org'");
    return rows.map((r) => r.full_name);
  } finally {
    await client.end();
  }
}

describe('the change plan and the forward in Chromium, from the desk', () => {
  let dpo: BrowserContext;
  let page: Page;
  let problems: string[];

  afterAll(async () => {
    await dpo?.close();
  });

  it('searches Icetrak’s systems and records the manual search by hand', async () => {
    dpo = await browser.newContext({ viewport: DESKTOP, bypassCSP: true, locale: 'en-GB' });
    dpo.setDefaultTimeout(15_000);
    page = await dpo.newPage();
    problems = watchForProblems(page);
    await page.goto(`${stack.urls.api}${at().path}`);
    await signIn(stack, page, DPO, (u) => u.pathname === at().path);
    expect(await text(page, 'h1')).toBe(`Case ${reference}`);
    expect(await text(page, '#plan + p')).toContain('Search Icetrak’s systems first');
    await searchFromDesk(page, reference);
    expect(await text(page, '#plan + p')).toBe('No plan yet.');
    await page.screenshot({ path: join(shots, 'searched.png'), fullPage: true });
    await expectAccessible(page, 'case, searched');
  });

  it('explains a correction without its corrected value in a focused error summary', async () => {
    await tabTo(page, '#plan-field', { max: 300 });
    await page.keyboard.type('full_name');
    await tabTo(page, formOf('plan'));
    const refused = await enterAndWait(
      page,
      (p) => p === `${at().path}/actions`,
      (u) => u.pathname === `${at().path}/actions`,
    );
    expect(refused.status()).toBe(400);
    const summary = await page.evaluate(() => {
      const s = document.querySelector('.summary');
      return { focused: document.activeElement === s, links: [...(s?.querySelectorAll('a') ?? [])].map((a: any) => a.getAttribute('href')) };
    });
    expect(summary).toEqual({ focused: true, links: ['#plan-to'] });
    // What was typed is still there.
    expect(await page.locator('#plan-field').inputValue()).toBe('full_name');
    await expectAccessible(page, 'case, plan without its corrected value');
    await tabTo(page, '.summary a[href="#plan-to"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedId(page), { timeout: 2_000 }).toBe('plan-to');
  });

  it('makes the plan with the correction: Ada’s billing contact’s name, Kashflow to be told; nothing changed yet', async () => {
    await page.keyboard.type('Ada King');
    await tabTo(page, '#plan-recordType');
    await page.keyboard.type('billing_contact');
    const line = await submitAction(page, at(), 'plan', formOf('plan'));
    expect(line.what).toMatch(/plan/i);
    expect(await text(page, '#plan + p')).toContain('Proposed');
    const groups = await planGroups(page);
    const rectify = groups.filter((g) => g.action.startsWith('Correct') || g.action.startsWith('Rectif'));
    expect(rectify, JSON.stringify(groups)).toHaveLength(1);
    expect(rectify[0]).toMatchObject({ records: 'billing_contact', count: '1' });
    expect(rectify[0]!.action).toContain('full_name');
    expect(await text(page, 'main')).toContain('Kashflow');
    // The lines are behind a disclosure: the value found and the corrected one.
    await tabTo(page, 'details:has(table.plan-lines) > summary', { max: 300 });
    await page.keyboard.press('Enter');
    expect(await text(page, 'table.plan-lines')).toContain('full_name: Ada Lovelace → Ada King');
    expect(await accountSystemName()).toEqual(['Ada Lovelace']);
    await page.screenshot({ path: join(shots, 'plan-proposed.png'), fullPage: true });
    await expectAccessible(page, 'case, plan proposed');
  });

  it('approves the plan; the execution changes the name, and Kashflow is told once', async () => {
    const line = await submitAction(page, at(), 'approve-plan', formOf('approve-plan'));
    expect(line.what).toMatch(/approved/i);
    const main = await reloadUntil(page, (m) => /Executed|Failed part-way/.test(m), 'The execution');
    expect(main).not.toContain('Failed part-way');
    expect(await accountSystemName()).toEqual(['Ada King']);
    expect(await text(page, 'table.plan-sources')).toContain('Done');
    expect(await text(page, 'main')).toMatch(/Kashflow \(support@kashflow\.example\): rectify 1 — notice owed/);
    await stack.outboxSweeper.runOnce();
    const notices = (await emailsTo(stack.urls.ses, KASHFLOW)).filter((m) => m.subject.includes(reference));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body.text).toContain('Ada King');
    // Nothing is left to approve.
    expect(await page.locator(formOf('approve-plan')).count()).toBe(0);
    await page.screenshot({ path: join(shots, 'plan-executed.png'), fullPage: true });
    await expectAccessible(page, 'case, plan executed');
  });
  it('Cara’s request about her phone number: forwarded to both customers with one button; the case closes as forwarded', async () => {
    const cara = await logged({
      rights: ['access', 'erasure'],
      fullName: 'Cara Jones',
      email: 'cara@example.org',
      phone: '07700 900456',
      relationship: 'message-recipient',
    });
    await page.goto(`${stack.urls.api}${at(cara).path}`);
    await searchFromDesk(page, cara);
    const forward = '#action-forward-customers button[type=submit]';
    expect(await text(page, forward)).toBe('Forward to the 2 customers and tell the requester');
    await submitAction(page, at(cara), 'forward', forward);
    expect(await text(page, 'main')).toContain('Closed');
    expect(
      await page.locator('ul.forwards li').evaluateAll((items) => items.map((li) => (li as unknown as { dataset: { account: string } }).dataset.account)),
    ).toEqual(['ACC-1001', 'ACC-1002']);
    expect(await text(page, 'ul.forwards')).toContain('privacy@malverndental.example');
    expect(await text(page, 'ul.forwards')).toContain('dpo@worcestertaxis.example');
    await stack.outboxSweeper.runOnce();
    for (const contact of ['privacy@malverndental.example', 'dpo@worcestertaxis.example'])
      expect(
        (await emailsTo(stack.urls.ses, contact)).filter((m) => m.subject.includes(cara)),
        contact,
      ).toHaveLength(1);
    const letters = (await emailsTo(stack.urls.ses, 'cara@example.org')).filter(
      (m) => m.subject.includes(cara) && m.subject.includes('have been sent your request'),
    );
    expect(letters).toHaveLength(1);
    expect(letters[0]!.body.text).toContain('Malvern Dental Practice');
    expect(letters[0]!.body.text).toContain('Worcester Taxis');
    await page.screenshot({ path: join(shots, 'forwarded.png'), fullPage: true });
    await expectAccessible(page, 'case, forwarded');
    expect(problems).toEqual([`400 POST ${at().path}/actions`]);
  });
});
