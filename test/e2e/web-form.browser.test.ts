/**
 * The public request form in a real browser: Debian's Chromium driven by playwright-core
 * against the whole local stack (production handlers, dynalite, aws-ses-v2-local).
 *
 * A person who uses only the keyboard must be able to make a request, read their reference,
 * follow the link in the acknowledgement email and see the due date; must be told what is
 * wrong with an empty form and taken to each field from the error summary; must always see
 * where focus is; and must not scroll sideways at 320 CSS pixels (WCAG 2.2 reflow). axe-core
 * checks every page, and fails the run on any serious or critical violation.
 *
 * Never skipped: without /usr/bin/chromium (test/support/browser.ts) the file fails and says how to install it.
 * Screenshots go to a fresh temp directory (printed) for a person to look at; they are not
 * compared or committed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '#infra/local/stack';
import { formatLongDate } from '#domain/calendar';
import { computeDeadline, londonDateOf } from '#domain/deadlines';
import {
  assertChromiumInstalled,
  DESKTOP,
  expectAccessible,
  expectReflowsAt320,
  focusedId,
  launchChromium,
  NARROW,
  reportLesserAxeFindings,
  tabTo,
  watchForProblems,
} from '#test/support/browser';
import { emailsTo } from '#test/support/http';

// The callbacks given to page.evaluate run in the page, not in Node. The project's tsconfig
// has no DOM lib on purpose (server code must not use browser globals), so declare the few
// page globals those callbacks touch, for this module only.
declare const document: any;
declare const window: any;
declare function getComputedStyle(el: unknown): any;

const shots = mkdtempSync(join(tmpdir(), 'rightsdesk-e2e-'));
let stack: Awaited<ReturnType<typeof startLocalStack>>;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  assertChromiumInstalled();
  [stack, browser] = await Promise.all([startLocalStack({ port: 0, sesPort: 0, memory: true, log: () => {} }), launchChromium()]);
  // The pages' CSP (default-src 'none') rightly blocks the inline <script> that addScriptTag
  // makes for axe; only this context bypasses it. 'serves pages whose CSP ...' checks the real one.
  context = await browser.newContext({ viewport: DESKTOP, bypassCSP: true, locale: 'en-GB' });
  context.setDefaultTimeout(5_000);
  console.log(`Browser test screenshots: ${shots}`);
});

afterAll(async () => {
  if (browser) reportLesserAxeFindings();
  await context?.close();
  await browser?.close();
  await stack?.stop();
});

// ---------------------------------------------------------------------------------------------
// Helpers for this form (the shared ones are in test/support/browser.ts).

/**
 * Enter on the focused submit button; answers the POST's status once the page it leads to has
 * loaded. For the request form (the default): the form again (400) or, after a 303, the
 * receipt page; for another form, the pages at `path`.
 */
async function submitWithEnter(
  page: Page,
  path: (pathname: string) => boolean = (p) => p === '/requests',
  landed: (pathname: string) => boolean = (p) => p === '/requests' || /^\/requests\/RD-\w{6}\/received$/.test(p),
): Promise<number> {
  expect(await page.evaluate(() => document.activeElement?.matches('button[type=submit]'))).toBe(true);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && path(new URL(r.url()).pathname)),
    page.waitForURL((u) => landed(u.pathname), { waitUntil: 'load' }),
    page.keyboard.press('Enter'),
  ]);
  return response.status();
}

const text = (page: Page, selector: string) => page.locator(selector).innerText();

function confirmationLink(body: string): string {
  const m = /(https?:\/\/\S+\/verify\/[A-Za-z0-9_.%-]+)/.exec(body);
  if (!m) throw new Error(`no confirmation link in the acknowledgement:\n${body}`);
  return m[1]!;
}

// ---------------------------------------------------------------------------------------------

describe('the request form in Chromium', () => {
  it('takes a request and confirms the email address with the keyboard alone', async () => {
    const page = await context.newPage();
    const problems = watchForProblems(page);
    // Long and without hyphens, like many real addresses: it must still wrap at 320px.
    const email = `ada.lovelace.${randomUUID().slice(0, 8)}@analytical-engine.example.org`;

    await page.goto(`${stack.urls.api}/`);
    expect(await page.title()).toBe('Make a request about your personal data - Icetrak privacy requests');
    await page.screenshot({ path: join(shots, 'form.png'), fullPage: true });
    await expectAccessible(page, 'form');
    await expectReflowsAt320(page, 'form', shots);

    // Two rights, ticked with Space.
    await tabTo(page, '#rights-access');
    await page.keyboard.press('Space');
    await tabTo(page, '#rights-erasure');
    await page.keyboard.press('Space');
    await tabTo(page, '#fullName');
    await page.keyboard.type('Ada Lovelace');
    await tabTo(page, '#email');
    await page.keyboard.type(email);
    // Tab enters the radio group on its first option; the arrow keys move and choose.
    await tabTo(page, '#relationship-customer');
    await page.keyboard.press('ArrowDown');
    expect(await focusedId(page)).toBe('relationship-message-recipient');
    await page.keyboard.press('Space');
    expect(await page.evaluate(() => [...document.querySelectorAll('input:checked')].map((el: any) => el.id))).toEqual([
      'rights-access',
      'rights-erasure',
      'relationship-message-recipient',
    ]);

    await tabTo(page, 'button[type=submit]');
    // Post/redirect/get: the POST answers 303 and the browser shows the receipt page it points to.
    expect(await submitWithEnter(page)).toBe(303);

    expect(await text(page, 'h1')).toBe('Request received');
    const reference = (await text(page, '.ref')).trim();
    expect(reference).toMatch(/^RD-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
    expect(new URL(page.url()).pathname).toBe(`/requests/${reference}/received`);
    expect(await text(page, 'main')).toContain('We have sent an email to the address you gave');
    expect(await text(page, 'main')).not.toContain(email); // the page is a GET anyone could guess
    // A refresh is a GET of the receipt page: nothing is posted again.
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
    await page.reload({ waitUntil: 'load' });
    expect(await text(page, '.ref')).toContain(reference);
    expect(posts).toEqual([]);
    await page.screenshot({ path: join(shots, 'confirmation.png'), fullPage: true });
    await expectAccessible(page, 'confirmation');
    await expectReflowsAt320(page, 'confirmation', shots);

    // The acknowledgement email for this address, and its link, opened in the browser.
    const mails = await emailsTo(stack.urls.ses, email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain(`[${reference}]`);
    await page.goto(confirmationLink(mails[0]!.body.text ?? ''));
    // Opening the link confirms nothing (mail scanners open links too): a person presses the button.
    expect(await text(page, 'h1')).toBe('Confirm your email address');
    expect(await text(page, 'main')).toContain(reference);
    await page.screenshot({ path: join(shots, 'confirm.png'), fullPage: true });
    await expectAccessible(page, 'confirm');
    await expectReflowsAt320(page, 'confirm', shots);
    await tabTo(page, 'button[type=submit]');
    expect(
      await submitWithEnter(
        page,
        (p) => p.startsWith('/verify/'),
        (p) => p.startsWith('/verify/'),
      ),
    ).toBe(200);

    const today = londonDateOf(new Date());
    const due = formatLongDate(computeDeadline({ receivedOn: today, identityReceivedOn: today }).dueOn!);
    expect(await text(page, 'h1')).toBe('Email address confirmed');
    expect((await text(page, '.ref')).trim()).toBe(reference);
    expect(await text(page, 'main')).toContain(`We will reply by ${due}.`);
    await page.screenshot({ path: join(shots, 'verified.png'), fullPage: true });
    await expectAccessible(page, 'verified');
    await expectReflowsAt320(page, 'verified', shots);

    expect(problems).toEqual([]);
    await page.close();
  });

  it('asks about the person acted for only once "Someone else" is chosen, and takes such a request with the keyboard', async () => {
    const page = await context.newPage();
    const problems = watchForProblems(page);
    const email = `agent.${randomUUID().slice(0, 8)}@example.org`;
    await page.goto(`${stack.urls.api}/`);
    expect(await page.locator('#onBehalfOf-fullName').isVisible()).toBe(false);

    await tabTo(page, '#rights-access');
    await page.keyboard.press('Space');
    await tabTo(page, '#requestFor-myself');
    await page.keyboard.press('ArrowDown');
    expect(await focusedId(page)).toBe('requestFor-someone-else');
    expect(await page.locator('#onBehalfOf-fullName').isVisible()).toBe(true);
    expect(await text(page, '.agent')).toContain('written proof');
    await tabTo(page, '#fullName');
    await page.keyboard.type('Alan Agent');
    await tabTo(page, '#email');
    await page.keyboard.type(email);
    await tabTo(page, '#onBehalfOf-fullName');
    await page.keyboard.type('Ada Lovelace');
    await tabTo(page, '#onBehalfOf-capacity-parent-or-guardian');
    await page.keyboard.press('Space');
    await tabTo(page, '#onBehalfOf-authority');
    await page.keyboard.type('She is my daughter, aged 12.');
    await tabTo(page, '#relationship-customer');
    await page.keyboard.press('Space');
    await page.screenshot({ path: join(shots, 'form-on-behalf.png'), fullPage: true });
    await expectAccessible(page, 'form, someone else');
    await expectReflowsAt320(page, 'form-on-behalf', shots);

    await tabTo(page, 'button[type=submit]');
    expect(await submitWithEnter(page)).toBe(303);
    expect(await text(page, 'h1')).toBe('Request received');
    expect(await emailsTo(stack.urls.ses, email)).toHaveLength(1); // the agent is acknowledged at their own address
    expect(problems).toEqual([]);
    await page.close();
  });

  it('explains an empty submission in a focused error summary whose links take focus to each field', async () => {
    const page = await context.newPage();
    await page.goto(`${stack.urls.api}/`);
    await tabTo(page, 'button[type=submit]');
    expect(await submitWithEnter(page)).toBe(400);

    expect(await page.title()).toMatch(/^Error: /);
    // First thing in <main>, announced (role=alert) and focused on arrival.
    const summary = await page.evaluate(() => {
      const s = document.querySelector('.summary');
      return {
        first: document.querySelector('main')?.firstElementChild === s,
        focused: document.activeElement === s,
        role: s?.getAttribute('role'),
        heading: s?.querySelector('h2')?.textContent,
        links: [...(s?.querySelectorAll('a') ?? [])].map((a: any) => ({ href: a.getAttribute('href'), text: a.textContent })),
      };
    });
    expect(summary).toMatchObject({ first: true, focused: true, role: 'alert', heading: 'There is a problem' });
    expect(summary.links.map((l) => l.href)).toEqual(['#rights-access', '#fullName', '#email', '#relationship-customer']);
    await page.screenshot({ path: join(shots, 'errors.png'), fullPage: true });
    await expectAccessible(page, 'errors');
    await expectReflowsAt320(page, 'errors', shots);

    // Each link, reached by Tab from wherever focus is and followed with Enter, focuses its field;
    // on a wide and a narrow screen the person then sees the question, what is wrong, and the control.
    for (const viewport of [DESKTOP, NARROW]) {
      await page.setViewportSize(viewport);
      for (const [i, { href, text: message }] of summary.links.entries()) {
        await tabTo(page, `.summary a[href="${href}"]`, { backward: i > 0 });
        await page.keyboard.press('Enter');
        const target = href!.slice(1);
        await expect.poll(() => focusedId(page), { timeout: 2_000 }).toBe(target);
        const seen = await page.evaluate((id) => {
          const control = document.getElementById(id);
          const field = control.closest('.field');
          const visible = (el: any) => {
            const box = el?.getBoundingClientRect();
            return Boolean(box) && box.top >= 0 && box.bottom <= window.innerHeight;
          };
          const question = field.querySelector('legend, label');
          const error = field.querySelector('.msg');
          return {
            question: visible(question) ? 'visible' : `off screen: ${question?.textContent}`,
            error: visible(error) ? error.textContent : `off screen: ${error?.textContent}`,
            control: visible(control) ? 'visible' : 'off screen',
          };
        }, target);
        if (i === 0) await page.screenshot({ path: join(shots, `errors-after-first-link-${viewport.width}.png`) });
        expect(seen, `after following ${href} at ${viewport.width}px`).toEqual({ question: 'visible', error: `Error: ${message}`, control: 'visible' });
      }
      // Back to the summary for the next round.
      await tabTo(page, '.summary a[href="#rights-access"]', { backward: true });
    }
    await page.close();
  });

  it('shows where focus is on every kind of control, and the skip link works', async () => {
    const page = await context.newPage();
    await page.goto(`${stack.urls.api}/`);
    const controls = ['a.skip', '#rights-access', '#fullName', '#email', '#relationship-customer', '#details', 'button[type=submit]'];
    const seen: Record<string, string> = {};
    for (const selector of controls) {
      await tabTo(page, selector);
      seen[selector] = await page.evaluate(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) < 2) return `no outline (${s.outlineStyle} ${s.outlineWidth})`;
        if (box.right <= 0 || box.bottom <= 0 || box.left >= window.innerWidth || box.top >= window.innerHeight) return 'off screen';
        return 'visible outline';
      });
      const shot = { 'a.skip': 'focus-skip-link', '#rights-access': 'focus-checkbox', '#fullName': 'focus-text-input' }[selector];
      if (shot) await page.screenshot({ path: join(shots, `${shot}.png`) });
    }
    expect(seen).toEqual(Object.fromEntries(controls.map((c) => [c, 'visible outline'])));

    await page.goto(`${stack.urls.api}/`);
    await tabTo(page, 'a.skip', { max: 1 });
    await expectAccessible(page, 'form, skip link focused'); // only now is it on screen for axe's contrast check
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedId(page), { timeout: 2_000 }).toBe('main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('https://www.icetrak.net/privacy'); // the introduction's link
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('rights-access');
    await page.close();
  });

  it('has an axe check that fails on an inaccessible page', async () => {
    const page = await context.newPage();
    await page.setContent('<!doctype html><html><head><title>x</title></head><body><main><img src="data:,"><input type="text"></main></body></html>');
    await expect(expectAccessible(page, 'a deliberately broken page', { report: false })).rejects.toThrow(/image-alt[\s\S]*label|label[\s\S]*image-alt/);
    await page.close();
  });

  it('serves pages whose CSP lets their own styles apply and reports nothing in the console', async () => {
    const strict = await browser.newContext({ viewport: DESKTOP });
    const page = await strict.newPage();
    const problems = watchForProblems(page);
    await page.goto(`${stack.urls.api}/`);
    const styled = await page.evaluate(() => getComputedStyle(document.querySelector('button')).backgroundColor);
    expect(styled).toBe('rgb(0, 112, 60)');
    expect(problems).toEqual([]);
    await strict.close();
  });
});
