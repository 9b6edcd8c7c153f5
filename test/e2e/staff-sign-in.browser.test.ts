/**
 * Staff sign-in in a real browser (Debian's Chromium, playwright-core) against the local stack:
 * the desk's sign-in handlers, the local OpenID provider's login form and a test-only staff
 * route (test/fixtures/auth/whoami.ts). It proves what only a browser can: that Chromium keeps
 * the `__Host-` session cookie (Secure) on http://localhost, sends the SameSite=Strict cookie
 * after the callback's same-site hop, and that the login form works from the keyboard.
 *
 * Never skipped: without /usr/bin/chromium the file fails and says how to install it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CASES } from '#lambdas/cases/manifest';
import { routesOf } from '#lambdas/manifest';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { SESSION_COOKIE } from '#shared/auth/authenticate';
import { localDynamoClient } from '#infra/local/emulators';
import { DynamoSessionStore } from '#adapters/dynamo-session-store';
import { systemClock } from '#shared/ports';
import { assertChromiumInstalled, launchChromium } from '#test/support/browser';

const WHOAMI = 'test/fixtures/auth/whoami.ts';

let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  assertChromiumInstalled();
  [stack, browser] = await Promise.all([
    startLocalStack({
      port: 0,
      sesPort: 0,
      memory: true,
      log: () => {},
      routes: [...routesOf(CASES.handlers), { method: 'GET', path: '/desk/whoami', entry: WHOAMI, access: 'staff' }],
    }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

it('signs a staff member in with the keyboard, keeps the __Host- session cookie on http://localhost, returns to the page asked for, and signs out of both', async () => {
  const context = await browser.newContext({ locale: 'en-GB' });
  context.setDefaultTimeout(5_000);
  const page = await context.newPage();
  const user = stack.staffUsers.find((u) => u.email === 'dpo.lead@icetrak.net')!;

  // A page GET without a session goes to sign in, then to the provider's login form.
  await page.goto(`${stack.urls.api}/desk/whoami`, { waitUntil: 'load' });
  expect(new URL(page.url()).origin).toBe(stack.urls.oidc);
  // Labelled fields, reached and filled from the keyboard.
  await page.getByLabel('Email address').focus();
  await page.keyboard.type(user.email);
  await page.keyboard.press('Tab');
  expect(await page.evaluate('document.activeElement.id')).toBe('password');
  await page.keyboard.type('wrong password');
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
  expect(await page.getByRole('alert').textContent()).toContain('The email address or password is not right.');
  expect(await page.getByLabel('Email address').inputValue()).toBe(user.email);

  await page.getByLabel('Password').fill(user.password);
  await Promise.all([page.waitForURL(`${stack.urls.api}/desk/whoami`), page.keyboard.press('Enter')]);
  expect(JSON.parse((await page.textContent('body')) ?? '')).toMatchObject({ staff: { email: user.email, roles: ['dpo'] }, via: 'session' });

  const cookie = (await context.cookies(stack.urls.api)).find((c) => c.name === SESSION_COOKIE);
  expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });

  // Sign out with a form on a desk-origin page (its CSP allows form-action 'self' only), as the desk's button will.
  const client = localDynamoClient(stack.urls.dynamodb);
  const session = await new DynamoSessionStore({ client, tableName: stack.env.CASES_TABLE!, clock: systemClock }).get(cookie!.value);
  client.destroy();
  await page.evaluate(`(() => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = '/desk/sign-out';
    form.innerHTML = '<input type="hidden" name="_csrf" value="${session!.csrf}"><button id="sign-out">Sign out</button>';
    document.body.append(form);
  })()`);
  await Promise.all([page.waitForURL((u) => u.origin === stack.urls.oidc), page.click('#sign-out')]);
  expect((await context.cookies(stack.urls.api)).some((c) => c.name === SESSION_COOKIE)).toBe(false);
  await Promise.all([page.waitForURL(`${stack.urls.api}/desk/signed-out`), page.getByRole('button', { name: 'Yes, sign me out' }).click()]);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You have signed out');
  // Signed out at the provider too: the next sign-in asks for the password again.
  await page.goto(`${stack.urls.api}/desk/whoami`, { waitUntil: 'load' });
  expect(await page.getByLabel('Password').count()).toBe(1);
  await context.close();
});
