/**
 * What the desk's browser tests share (test/e2e/desk*.browser.test.ts): signing in at the local
 * OpenID provider, sending a form with Enter and waiting for the page it leads to, following a
 * link, typing a date as a person would, reading the case page's timeline, and working an action
 * through its disclosure form. Keyboard only, like test/support/browser.ts.
 */
import type { Page, Response } from 'playwright-core';
import { expect } from 'vitest';
import type { LocalStack } from '#infra/local/stack';
import { describeFocus, tabTo } from './browser';

// page.evaluate callbacks run in the page; tsconfig has no DOM lib (see test/support/browser.ts).
declare const document: any;

export const text = (page: Page, selector: string): Promise<string> => page.locator(selector).innerText();

/** The password the local stack gave a member of staff. */
export const passwordOf = (stack: LocalStack, email: string): string => stack.staffUsers.find((u) => u.email === email)!.password;

/**
 * Enter on the focused submit button: the POST's response, once the page it leads to (after a
 * 303, the page it names; otherwise the response itself) has loaded, and that page is `landed`.
 */
export async function enterAndWait(page: Page, post: (pathname: string) => boolean, landed: (url: URL) => boolean): Promise<Response> {
  expect(
    await page.evaluate(() => document.activeElement?.matches('button[type=submit]')),
    `focus on a submit button, not ${await describeFocus(page)}`,
  ).toBe(true);
  // The next load is the new document's: a page may post back to its own address.
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && post(new URL(r.url()).pathname)),
    page.waitForEvent('load'),
    page.keyboard.press('Enter'),
  ]);
  if (!landed(new URL(page.url()))) {
    // What the page said (an error summary, a refusal) is the useful part of the failure.
    const said = await page.evaluate(() => (document.querySelector('main') as { innerText?: string } | null)?.innerText ?? '');
    expect.fail(`landed on ${page.url()} (${response.status()}): ${said.slice(0, 500)}`);
  }
  return response;
}

/** Tab to a link and follow it with Enter; resolves once `landed` has loaded. */
export async function followLink(page: Page, selector: string, landed: (url: URL) => boolean, max?: number): Promise<void> {
  await tabTo(page, selector, max ? { max } : {});
  await Promise.all([page.waitForURL(landed, { waitUntil: 'load' }), page.keyboard.press('Enter')]);
}

/** From the desk's sign-in redirect on the provider's login page: types the address and password, Enter, and lands on `back`. */
export async function signIn(stack: LocalStack, page: Page, email: string, back: (url: URL) => boolean): Promise<void> {
  expect(new URL(page.url()).origin).toBe(stack.urls.oidc);
  expect(await text(page, 'h1')).toBe('Sign in to the Rightsdesk desk');
  await tabTo(page, '#email');
  await page.keyboard.type(email);
  await tabTo(page, '#password');
  await page.keyboard.type(passwordOf(stack, email));
  // Enter in the password field sends the form; the provider redirects to the desk's callback,
  // whose same-site page continues to the desk.
  await Promise.all([page.waitForURL((u) => u.origin === stack.urls.api && back(u), { waitUntil: 'load' }), page.keyboard.press('Enter')]);
}

/**
 * A date field typed as a person would: day, month, year. Debian's Chromium lays the field out
 * month first whatever the page's or the context's locale; then, as a person would on seeing
 * it, back to the first part (Shift+Tab moves between the parts) and type it that way.
 */
export async function typeDate(page: Page, selector: string, iso: string): Promise<void> {
  await tabTo(page, selector);
  const [y, m, d] = iso.split('-') as [string, string, string];
  await page.keyboard.type(`${d}${m}${y}`);
  if ((await page.locator(selector).inputValue()) !== iso) {
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.type(`${m}${d}${y}`);
  }
  expect(await page.locator(selector).inputValue()).toBe(iso);
}

export interface TimelineRow {
  who: string;
  what: string;
  details: string;
}

/** The case page's timeline rows, newest first: who and what. */
export function timeline(page: Page): Promise<TimelineRow[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('table:has(#timeline-caption) tbody tr')].map((tr: any) => ({
      who: tr.cells[1].textContent.trim(),
      what: tr.cells[2].textContent.trim(),
      details: tr.cells[3].textContent.trim(),
    })),
  );
}

/** Focuses the field and types into it. */
export const typeInto = (selector: string, value: string) => async (page: Page) => {
  await tabTo(page, selector);
  await page.keyboard.type(value);
};

/** The line `by`'s action wrote, among those added since the timeline had `before` lines (sending a letter adds one by System). */
export function newLineBy(rows: TimelineRow[], before: number, action: string, by: string): TimelineRow {
  const added = rows.slice(0, rows.length - before);
  const mine = added.filter((r) => r.who === by);
  expect(mine, `the timeline lines ${action} added: ${JSON.stringify(added)}`).toHaveLength(1);
  return mine[0]!;
}

/** Where a case page is and who works it. */
export interface CaseAt {
  /** The case page's path, `/desk/cases/<reference>`. */
  path: string;
  /** The member of staff's email: the timeline's "who". */
  by: string;
}

/**
 * Sends the focused form's action with Enter: the POST answers 303 and the case page comes back
 * with its confirmation, and the timeline has one more line, newest first, in `at.by`'s name.
 * Answers that line.
 */
export async function submitAction(page: Page, at: CaseAt, action: string, submit: string): Promise<TimelineRow> {
  const before = (await timeline(page)).length;
  await tabTo(page, submit, { max: 200 });
  const response = await enterAndWait(
    page,
    (p) => p === `${at.path}/actions`,
    (u) => u.pathname === at.path,
  );
  expect(response.status(), `${action} answered`).toBe(303);
  expect(new URL(page.url()).searchParams.get('flash')).toBe('done');
  expect(await text(page, '[role=status]')).toContain('Done.');
  return newLineBy(await timeline(page), before, action, at.by);
}

export interface ActionStep {
  action: string;
  /** Fills the open form's fields with the keyboard. */
  fill: (page: Page) => Promise<void>;
}

/** Opens the action's disclosure (Enter on its summary), fills it, and sends it (submitAction). */
export async function act(page: Page, at: CaseAt, step: ActionStep): Promise<TimelineRow> {
  await tabTo(page, `#action-${step.action} > summary`, { max: 120 });
  await page.keyboard.press('Enter');
  expect(await page.locator(`#action-${step.action}`).getAttribute('open')).not.toBeNull();
  await step.fill(page);
  return submitAction(page, at, step.action, `#action-${step.action} button[type=submit]`);
}
