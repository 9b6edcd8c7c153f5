/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (TOOLCHAIN.md,
 * "Browser tests"), keyboard-only moves, axe-core checks, the 320px reflow check, and a watch
 * for script errors and failed loads. Browser tests are never skipped: without Chromium,
 * `launchChromium` fails and says how to install it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

// The callbacks given to page.evaluate run in the page, not in Node. The project's tsconfig
// has no DOM lib on purpose (server code must not use browser globals), so declare the few
// page globals those callbacks touch, for this module only.
declare const document: any;
declare const window: any;
declare function getComputedStyle(el: unknown): any;

/** TOOLCHAIN.md, "Browser tests". */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export const DESKTOP = { width: 1024, height: 768 };
export const NARROW = { width: 320, height: 640 };

/** Fails, saying how to install it, without Debian's Chromium. Call it before starting anything else. */
export function assertChromiumInstalled(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Browser tests need Debian's Chromium at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` ` +
        "(run `apt-get update` first; CI's .ci/run installs it). `npx playwright install` cannot work here. These tests are never skipped.",
    );
  }
}

/** Launches Debian's Chromium (or fails saying how to install it). */
export function launchChromium(): Promise<Browser> {
  assertChromiumInstalled();
  // playwright-core gives every launch a fresh, empty --user-data-dir of its own.
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 20_000 });
}

// ---------------------------------------------------------------------------------------------
// Keyboard only, and what a page looks like to a person and to a screen reader.

/** Presses Tab (or Shift+Tab) until the focused element matches `selector`; fails after `max` presses. */
export async function tabTo(page: Page, selector: string, opts: { backward?: boolean; max?: number } = {}): Promise<void> {
  const key = opts.backward ? 'Shift+Tab' : 'Tab';
  const seen: string[] = [];
  for (let i = 0; i < (opts.max ?? 60); i++) {
    await page.keyboard.press(key);
    if (await page.evaluate((s) => Boolean(document.activeElement?.matches(s)), selector)) return;
    seen.push(await describeFocus(page));
  }
  throw new Error(`${key} never reached ${selector}; focus went through: ${seen.join(' > ')}`);
}

/** The focused element as tag#id[href=...]. */
export function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return '(none)';
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('href') ? `[href=${el.getAttribute('href')}]` : ''}`;
  });
}

export const focusedId = (page: Page): Promise<string> => page.evaluate(() => document.activeElement?.id ?? '');

interface AxeResult {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: string[]; any: { message: string }[] }[];
}

/** axe violations below 'serious' and results it could not decide, for a person to judge: print them with `reportLesserAxeFindings`. */
const lesserFindings: string[] = [];

/** Runs axe-core on the page as it is now: no serious or critical violations; lesser ones are kept for the report. */
export async function expectAccessible(page: Page, label: string, opts: { report?: boolean } = {}): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const result: { violations: AxeResult[]; incomplete: AxeResult[]; passes: AxeResult[] } = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations', 'incomplete'] }),
  );
  expect(result.passes.length, `axe ran its rules on ${label}`).toBeGreaterThan(10);
  const line = (kind: string) => (v: AxeResult) =>
    `  [${label}] ${kind} ${v.impact ?? ''}: ${v.id} - ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')}${n.any[0] ? `: ${n.any[0].message}` : ''}`).join('; ')})`;
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (opts.report !== false) {
    lesserFindings.push(...result.violations.filter((v) => !serious.includes(v)).map(line('violation')), ...result.incomplete.map(line('needs review')));
  }
  if (serious.length) throw new Error(`axe found serious or critical violations on ${label}:\n${serious.map(line('violation')).join('\n')}`);
}

/** Prints what axe found below serious, or could not decide, on the pages this file checked. */
export function reportLesserAxeFindings(): void {
  console.log(lesserFindings.length ? `axe, below serious or undecided:\n${lesserFindings.join('\n')}` : 'axe: nothing below serious either');
}

/** At 320 CSS px nothing scrolls sideways (WCAG 1.4.10); leaves a narrow screenshot `<name>-320.png` in `shots`. */
export async function expectReflowsAt320(page: Page, name: string, shots: string): Promise<void> {
  await page.setViewportSize(NARROW);
  const widths = await page.evaluate(() => {
    const root = document.documentElement;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el: any) => el.getBoundingClientRect().right > root.clientWidth + 0.5 && getComputedStyle(el).visibility !== 'hidden')
      .map(
        (el: any) => `${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`,
      );
    return { scroll: root.scrollWidth, client: root.clientWidth, wide };
  });
  await page.screenshot({ path: join(shots, `${name}-320.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  expect(widths.scroll, `horizontal scroll on ${name} at 320px; too wide: ${widths.wide.join(', ')}`).toBeLessThanOrEqual(widths.client);
}

/** Script errors, console errors and failed loads (with their URLs) a page reports from now on. */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // A failed load also logs "Failed to load resource" without its URL, and the response below
  // says which. The one such message with no page response is Chromium's own /favicon.ico probe
  // (the app serves no icon; harmless), so these console lines are left out.
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`console: ${m.text()}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`));
  return problems;
}
