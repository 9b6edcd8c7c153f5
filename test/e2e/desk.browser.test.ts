/**
 * The DPO desk in a real browser: Debian's Chromium driven by playwright-core against the whole
 * local stack (production handlers, dynalite, aws-ses-v2-local, the local OpenID provider).
 *
 * With the keyboard alone, the DPO signs in at the provider, logs a request taken by phone,
 * finds it in the queue and works it to the close: every action comes back to the case page
 * with a confirmation and a timeline line in the DPO's name, and the requester gets each letter
 * once. A form sent with a field missing explains itself in a focused error summary. Signing
 * out ends the session. The auditor (read only) sees the case but no action forms, and a
 * crafted action POST with their session and form token is refused. The desk's pages carry
 * strict headers and a HttpOnly, Secure, SameSite=Strict session cookie. axe-core checks the
 * pages, and fails the run on any serious or critical violation.
 *
 * Never skipped: without /usr/bin/chromium the file fails and says how to install it
 * (test/support/browser.ts). Screenshots go to a fresh temp directory (printed).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { londonDateOf } from '#domain/calendar';
import { previousMonthOf } from '#domain/report-period';
import { SESSION_COOKIE } from '#shared/auth/authenticate';
import { LETTER_TITLES } from '#shared/templates/letters';
import {
  assertChromiumInstalled,
  DESKTOP,
  expectAccessible,
  expectReflowsAt320,
  focusedId,
  launchChromium,
  reportLesserAxeFindings,
  tabTo,
  watchForProblems,
} from '#test/support/browser';
import { act, enterAndWait, followLink, newLineBy, signIn, text, timeline, typeDate, typeInto, type CaseAt } from '#test/support/desk-browser';
import { emailsTo } from '#test/support/http';

// page.evaluate callbacks run in the page; tsconfig has no DOM lib (see test/support/browser.ts).
declare const document: any;

const DPO = 'dpo.lead@icetrak.net';
const AUDITOR = 'auditor@icetrak.net';

const shots = mkdtempSync(join(tmpdir(), 'rightsdesk-desk-e2e-'));
let stack: LocalStack;
let browser: Browser;
let api: string;
/** The case the DPO logs and works; the auditor then reads it. */
let reference = '';
const requesterEmail = `grace.hopper.${randomUUID().slice(0, 8)}@example.org`;

beforeAll(async () => {
  assertChromiumInstalled();
  [stack, browser] = await Promise.all([startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, log: () => {} }), launchChromium()]);
  api = stack.urls.api;
  console.log(`Desk browser test screenshots: ${shots}`);
});

afterAll(async () => {
  if (browser) reportLesserAxeFindings();
  await browser?.close();
  await stack?.stop();
});

// ---------------------------------------------------------------------------------------------
// Helpers

/** A fresh browser for one person. bypassCSP only lets axe's injected script run; 'carries strict headers' reads the real CSP. */
async function newPerson(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: DESKTOP, bypassCSP: true, locale: 'en-GB' });
  context.setDefaultTimeout(10_000);
  return context;
}

const casePath = () => `/desk/cases/${reference}`;
const byDpo = (): CaseAt => ({ path: casePath(), by: DPO });

// ---------------------------------------------------------------------------------------------

describe('the DPO desk in Chromium', () => {
  let dpo: BrowserContext;
  let page: Page;
  let problems: string[];
  let casePageResponse: Response | undefined;

  afterAll(async () => {
    await dpo?.close();
  });

  it('signs the DPO in at the provider and back to the queue, with the keyboard alone', async () => {
    dpo = await newPerson();
    page = await dpo.newPage();
    problems = watchForProblems(page);

    await page.goto(`${api}/desk`);
    await page.screenshot({ path: join(shots, 'login.png'), fullPage: true });
    await expectAccessible(page, 'login');
    await signIn(stack, page, DPO, (u) => u.pathname === '/desk');

    expect(await page.title()).toBe('Open cases - Rightsdesk');
    expect(await text(page, 'header')).toContain(`(${DPO}), DPO team`);
    await page.screenshot({ path: join(shots, 'queue.png'), fullPage: true });
    await expectAccessible(page, 'queue');
    await expectReflowsAt320(page, 'queue', shots);
  });

  it('logs a request taken by phone through the staff-entry form', async () => {
    await followLink(page, 'nav a[href="/desk/new"]', (u) => u.pathname === '/desk/new');
    expect(await text(page, 'h1')).toBe('Log a request');
    await expectAccessible(page, 'new request');
    await expectReflowsAt320(page, 'new-request', shots);

    // The radio group is entered on its first option, Phone; Space chooses it.
    await tabTo(page, '#channel-phone');
    await page.keyboard.press('Space');
    await typeDate(page, '#receivedOn', londonDateOf(new Date()));
    await tabTo(page, '#rights-access');
    await page.keyboard.press('Space');
    await typeInto('#fullName', 'Grace Hopper')(page);
    await typeInto('#email', requesterEmail)(page);
    await page.screenshot({ path: join(shots, 'new-request-filled.png'), fullPage: true });
    await tabTo(page, 'main button[type=submit]');
    const response = await enterAndWait(
      page,
      (p) => p === '/desk/cases',
      (u) => /^\/desk\/cases\/RD-\w{6}$/.test(u.pathname),
    );
    expect(response.status()).toBe(303);
    reference = /^Case (RD-\w{6})$/.exec(await text(page, 'h1'))?.[1] ?? '';
    expect(reference).toMatch(/^RD-\w{6}$/);
    expect(await text(page, 'main')).toContain('Phone');
    expect(await text(page, 'main')).toContain(requesterEmail);
  });

  it('finds the request in the queue by its reference and opens it', async () => {
    await tabTo(page, '#desk-search');
    await page.keyboard.type(reference);
    // Enter in the search box sends the GET form.
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/desk' && u.searchParams.get('q') === reference, { waitUntil: 'load' }),
      page.keyboard.press('Enter'),
    ]);
    expect(await text(page, 'h1')).toBe(`Search results for “${reference}”`);
    expect(await text(page, 'caption')).toContain('1 case');
    await expectAccessible(page, 'search results');

    [casePageResponse] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === casePath() && r.request().method() === 'GET'),
      followLink(page, `table a[href="${casePath()}"]`, (u) => u.pathname === casePath()),
    ]);
    expect(await page.title()).toBe(`Case ${reference} - Rightsdesk`);
    // The skip link is the first stop, and takes focus to the page's content.
    await tabTo(page, 'a.skip', { max: 1 });
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedId(page), { timeout: 2_000 }).toBe('main');
    await page.screenshot({ path: join(shots, 'case.png'), fullPage: true });
    await expectAccessible(page, 'case');
    await expectReflowsAt320(page, 'case', shots);
  });

  it('carries strict headers and a HttpOnly, Secure, SameSite=Strict session cookie', async () => {
    const headers = await casePageResponse!.allHeaders();
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src/);
    expect(csp).toMatch(/(^|;\s*)default-src 'none'/);
    expect(csp).toMatch(/(^|;\s*)frame-ancestors 'none'/);
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['x-content-type-options']).toBe('nosniff');

    const session = (await dpo.cookies(api)).find((c) => c.name === SESSION_COOKIE);
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
  });

  it('works the request to the close, each action coming back to the case with a timeline line in the DPO’s name', async () => {
    const today = londonDateOf(new Date());
    const seen: string[] = [];
    const record = (row: { what: string }) => seen.push(row.what);

    record(
      await act(page, byDpo(), { action: 'confirm-identity', fill: typeInto('#confirm-identity-method', 'Called back on the number on the account.') }),
    );
    expect(await text(page, 'main')).toContain('In progress');
    record(
      await act(page, byDpo(), {
        action: 'request-clarification',
        fill: typeInto('#request-clarification-question', 'Which of your two accounts do you mean?'),
      }),
    );
    expect(await text(page, 'main')).toContain('Waiting for clarification (clock stopped)');
    await expectAccessible(page, 'case, awaiting clarification');
    record(
      await act(page, byDpo(), {
        action: 'record-clarification',
        fill: async (p) => {
          await typeInto('#record-clarification-answer', 'The business account, ending 42.')(p);
          await typeDate(p, '#record-clarification-receivedOn', today);
        },
      }),
    );
    expect(await text(page, 'main')).toContain('In progress');
    record(
      await act(page, byDpo(), { action: 'mark-complex', fill: typeInto('#mark-complex-reasons', 'Six years of message logs across three systems.') }),
    );

    // Extend with no reasons: the case page again, with a focused error summary whose link goes to the field.
    const beforeExtend = (await timeline(page)).length;
    await tabTo(page, '#action-extend > summary', { max: 120 });
    await page.keyboard.press('Enter');
    await tabTo(page, '#action-extend button[type=submit]');
    const refused = await enterAndWait(
      page,
      (p) => p === `${casePath()}/actions`,
      (u) => u.pathname === `${casePath()}/actions`,
    );
    expect(refused.status()).toBe(400);
    expect(await page.title()).toMatch(/^Error: Case RD-/);
    const summary = await page.evaluate(() => {
      const s = document.querySelector('.summary');
      return {
        first: document.querySelector('main')?.firstElementChild === s,
        focused: document.activeElement === s,
        role: s?.getAttribute('role'),
        links: [...(s?.querySelectorAll('a') ?? [])].map((a: any) => a.getAttribute('href')),
      };
    });
    expect(summary).toEqual({ first: true, focused: true, role: 'alert', links: ['#extend-reasons'] });
    await page.screenshot({ path: join(shots, 'case-error.png'), fullPage: true });
    await expectAccessible(page, 'case, extend without reasons');
    await tabTo(page, '.summary a[href="#extend-reasons"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedId(page), { timeout: 2_000 }).toBe('extend-reasons');
    expect(await page.locator('#extend-reasons').getAttribute('aria-invalid')).toBe('true');
    // Typed into the redrawn form, now open, and sent again.
    await page.keyboard.type('The logs must be restored from archive before they can be searched.');
    await tabTo(page, '#action-extend button[type=submit]');
    const extended = await enterAndWait(
      page,
      (p) => p === `${casePath()}/actions`,
      (u) => u.pathname === casePath(),
    );
    expect(extended.status()).toBe(303);
    record(newLineBy(await timeline(page), beforeExtend, 'extend', DPO));
    expect(await text(page, 'main')).toContain('Extended');

    record(await act(page, byDpo(), { action: 'reply', fill: typeInto('#reply-message', 'We have started the search and will write again soon.') }));
    await expectAccessible(page, 'case, extended');
    record(
      await act(page, byDpo(), {
        action: 'close',
        fill: async (p) => {
          await tabTo(p, '#close-outcome-completed');
          await p.keyboard.press('Space');
          await typeInto('#close-summary', 'A copy of your data is attached to this letter.')(p);
          await typeInto('#close-systemsSearched', 'billing, message logs, support tickets')(p);
        },
      }),
    );
    expect(await text(page, 'main')).toContain('Closed');
    expect(await text(page, '#actions')).toBe('Actions');
    // A closed case allows two things only (issue 13): a legal hold, and reopening it. It is kept until its retention date.
    const closedActions = page.locator('form[action$="/actions"] input[name="action"]');
    expect(await closedActions.count()).toBe(2);
    expect(await closedActions.evaluateAll((inputs) => inputs.map((i) => (i as unknown as { value: string }).value))).toEqual(['place-hold', 'reopen']);
    expect(await text(page, 'main')).toMatch(/Kept until \w+day \d{1,2} \w+ \d{4}/);
    await page.screenshot({ path: join(shots, 'case-closed.png'), fullPage: true });
    await expectAccessible(page, 'case, closed');
    await expectReflowsAt320(page, 'case-closed', shots);
    expect(seen).toEqual([
      'Identity confirmed',
      'Clarification requested',
      'Clarification answered',
      'Marked complex',
      'Deadline extended',
      'Reply sent',
      'Request completed',
    ]);

    // The one failed POST was the deliberate one.
    expect(problems).toEqual([`400 POST ${casePath()}/actions`]);
  });

  it('sent the requester each letter once, with the reference in the subject', async () => {
    const wanted = [LETTER_TITLES['clarification-request'], LETTER_TITLES.extension, LETTER_TITLES.reply, LETTER_TITLES.closing];
    await expect
      .poll(async () => (await emailsTo(stack.urls.ses, requesterEmail)).filter((m) => wanted.some((t) => m.subject.endsWith(t))).length, {
        timeout: 10_000,
      })
      .toBe(wanted.length);
    const subjects = (await emailsTo(stack.urls.ses, requesterEmail)).map((m) => m.subject);
    for (const title of wanted)
      expect(
        subjects.filter((s) => s === `[${reference}] ${title}`),
        title,
      ).toHaveLength(1);
    expect(subjects).toContain(`[${reference}] Our response to your request`);
  });

  it('runs last month’s compliance report from the Reports page; it opens in the desk with its charts', async () => {
    await followLink(page, 'nav a[href="/desk/reports"]', (u) => u.pathname === '/desk/reports', 200);
    expect(await text(page, 'h1')).toBe('Compliance reports');
    await expectAccessible(page, 'reports');
    await expectReflowsAt320(page, 'reports', shots);
    const month = previousMonthOf(londonDateOf(new Date()));
    expect(await page.locator('#run-period').inputValue()).toBe(month);
    await tabTo(page, 'form[action="/desk/reports"] button[type=submit]');
    await enterAndWait(
      page,
      (p) => p === '/desk/reports',
      (u) => u.pathname === `/desk/reports/monthly-${month}/report.html`,
    );
    expect(await text(page, 'h1')).toContain('compliance report');
    expect(await page.locator('svg[role=img]').count()).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: join(shots, 'report.png'), fullPage: true });
    await expectAccessible(page, 'report');
    // Served in the desk, the report leads back to it.
    await followLink(page, `header nav a[href="${api}/desk"]`, (u) => u.pathname === '/desk', 5);
  });

  it('signs out with the sign-out button; the desk then asks for a sign-in again', async () => {
    await tabTo(page, 'header button[type=submit]', { backward: true, max: 200 });
    await page.keyboard.press('Enter');
    // The local provider asks whether to end its session too (Cognito has no such page); yes.
    await page.waitForURL((u) => u.origin === stack.urls.oidc, { waitUntil: 'load' });
    await tabTo(page, 'button[value=yes]');
    await Promise.all([
      page.waitForURL((u) => u.origin === api && u.pathname === '/desk/signed-out', { waitUntil: 'load' }),
      page.keyboard.press('Enter'),
    ]);
    expect(await text(page, 'h1')).toBe('You have signed out');
    await expectAccessible(page, 'signed out');
    expect((await dpo.cookies(api)).some((c) => c.name === SESSION_COOKIE)).toBe(false);

    // The desk, asked for again, sends the browser to the provider's login.
    const again = await dpo.request.get(`${api}/desk`, { maxRedirects: 0 });
    expect(again.status()).toBe(303);
    expect(again.headers().location).toMatch(/^\/desk\/sign-in\?returnTo=/);
    await followLink(page, 'main a', (u) => u.origin === stack.urls.oidc && u.pathname.startsWith('/interaction/'));
    expect(await text(page, 'h1')).toBe('Sign in to the Rightsdesk desk');
  });
});

describe('the auditor (read only) in Chromium', () => {
  it('reads the queue and the case, sees no action forms, and a crafted action POST is refused', async () => {
    expect(reference, 'the DPO logged a case first').toMatch(/^RD-\w{6}$/);
    const auditor = await newPerson();
    try {
      const page = await auditor.newPage();
      const problems = watchForProblems(page);
      await page.goto(`${api}/desk`);
      await signIn(stack, page, AUDITOR, (u) => u.pathname === '/desk');
      expect(await text(page, 'header')).toContain('Viewer (read only)');
      expect(await page.locator('nav a[href="/desk/new"]').count()).toBe(0);
      expect(await text(page, 'h1')).toBe('Open cases');
      await expectAccessible(page, 'queue, auditor');

      await tabTo(page, '#desk-search');
      await page.keyboard.type(reference);
      await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === reference, { waitUntil: 'load' }), page.keyboard.press('Enter')]);
      await followLink(page, `table a[href="${casePath()}"]`, (u) => u.pathname === casePath());
      expect(await text(page, 'h1')).toBe(`Case ${reference}`);
      expect(await text(page, '.notice')).toBe('You can read cases; only the DPO team can act on them.');
      expect(await page.locator('form[action$="/actions"]').count()).toBe(0);
      await page.screenshot({ path: join(shots, 'case-auditor.png'), fullPage: true });
      await expectAccessible(page, 'case, auditor');

      // The session cookie and the page's own form token, but the wrong role.
      const csrf = await page.locator('header input[name=_csrf]').inputValue();
      expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const crafted = await auditor.request.post(`${api}${casePath()}/actions`, {
        form: { action: 'reply', message: 'Not allowed', _csrf: csrf },
        headers: { origin: api },
        maxRedirects: 0,
      });
      expect(crafted.status()).toBe(403);
      expect(await crafted.text()).toContain('can read cases but not act on them');
      // The staff-entry form is for the DPO team too.
      expect((await auditor.request.get(`${api}/desk/new`, { maxRedirects: 0 })).status()).toBe(403);
      expect(problems).toEqual([]);
    } finally {
      await auditor.close();
    }
  });
});
