/**
 * The compliance report's HTML in a real browser (Debian's Chromium via playwright-core): it
 * loads nothing, axe finds nothing, its three SVG charts render (screenshots of each chart are
 * decoded and must show the bars in the bar colour, as many bars as the figures have), and it
 * prints to PDF. No stack is needed: the report is a standalone document, set as page content.
 *
 * Never skipped: without /usr/bin/chromium (test/support/browser.ts) the file fails and says how to install it.
 * Screenshots and the PDF go to a fresh temp directory (printed) for a person to look at.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '#shared/templates/report-html';
import { CHART_COLOURS, CHART_WIDTH } from '#shared/templates/report-charts';
import { DESKTOP, assertChromiumInstalled, expectAccessible, launchChromium, reportLesserAxeFindings, watchForProblems } from '#test/support/browser';
import { sampleMonthlyFigures, sampleWeeklyFigures } from '#test/support/report-fixtures';

declare const document: any;
declare const window: any;

const shots = mkdtempSync(join(tmpdir(), 'rightsdesk-report-'));
let browser: Browser;

beforeAll(async () => {
  assertChromiumInstalled();
  browser = await launchChromium();
  console.log(`Report screenshots and PDF: ${shots}`);
});

afterAll(async () => {
  if (browser) reportLesserAxeFindings();
  await browser?.close();
});

/** A page showing `html`, with every request it tries to make recorded and refused. */
async function open(html: string): Promise<{ page: Page; requests: string[]; problems: string[] }> {
  const page = await browser.newPage({ viewport: DESKTOP, locale: 'en-GB' });
  const requests: string[] = [];
  await page.route('**/*', (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  const problems = watchForProblems(page);
  await page.setContent(html, { waitUntil: 'load' });
  return { page, requests, problems };
}

/** axe's violations of any impact (expectAccessible fails on serious ones and reports the rest; a report should have none). */
async function allAxeViolations(page: Page): Promise<string[]> {
  const result: { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] } = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }),
  );
  return result.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const hex = (colour: string) => [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16)) as [number, number, number];

/** What a screenshot shows: share of non-white pixels, pixels in the bar colour, distinct colours. */
function pixels(png: Buffer): { nonWhite: number; bar: number; colours: number } {
  const image = PNG.sync.read(png);
  const [br, bg, bb] = hex(CHART_COLOURS.bar);
  let nonWhite = 0;
  let bar = 0;
  const colours = new Set<number>();
  for (let i = 0; i < image.data.length; i += 4) {
    const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
    colours.add((r << 16) | (g << 8) | b);
    if (r < 245 || g < 245 || b < 245) nonWhite++;
    if (Math.abs(r - br) <= 6 && Math.abs(g - bg) <= 6 && Math.abs(b - bb) <= 6) bar++;
  }
  const total = image.width * image.height;
  return { nonWhite: nonWhite / total, bar: bar / total, colours: colours.size };
}

describe('the monthly report in Chromium', () => {
  let page: Page;
  let requests: string[];
  let problems: string[];

  beforeAll(async () => {
    ({ page, requests, problems } = await open(await renderReportHtml(sampleMonthlyFigures(), { deskUrl: 'http://localhost:3000/desk' })));
  });

  afterAll(() => page?.close());

  it('loads nothing and reports no script or console error', () => {
    expect(requests).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('is accessible: axe finds no violation of any impact', async () => {
    await expectAccessible(page, 'monthly report');
    expect(await allAxeViolations(page)).toEqual([]);
  });

  it('renders each chart as an image of the figures: the bars are there, in the bar colour, one per figure', async () => {
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBe(3);
    const expected = [
      { name: 'trend', bars: 12, label: /^Requests received per month/ },
      { name: 'by-right', bars: 6, label: /^Requests received by right$/ },
      { name: 'histogram', bars: 8, label: /^Requests answered by days to respond$/ },
    ];
    for (const [i, chart] of expected.entries()) {
      const svg = charts.nth(i);
      expect(await svg.getAttribute('role')).toBe('img');
      expect(await svg.getAttribute('aria-label')).toMatch(chart.label);
      const box = (await svg.boundingBox())!;
      expect(Math.round(box.width), `${chart.name} width`).toBe(CHART_WIDTH);
      expect(box.height, `${chart.name} height`).toBeGreaterThan(150);
      // One rect mark per figure, each drawn with an area (a zero count still has its mark, of no height).
      expect(await svg.locator('.mark-rect path').count(), `${chart.name} bars`).toBe(chart.bars);
      const png = await svg.screenshot({ path: join(shots, `chart-${chart.name}.png`) });
      const seen = pixels(png);
      expect(seen.nonWhite, `${chart.name}: drawn, not blank`).toBeGreaterThan(0.03);
      expect(seen.bar, `${chart.name}: bars in the bar colour`).toBeGreaterThan(0.01);
      expect(seen.colours, `${chart.name}: axes, text and bars`).toBeGreaterThan(8);
    }
  });

  it('draws the on-time line over the trend bars', async () => {
    const line = page.locator('svg.chart').first().locator('.mark-line path');
    expect(await line.count()).toBe(1);
    const box = (await line.boundingBox())!;
    expect(box.width).toBeGreaterThan(CHART_WIDTH / 2);
  });

  it('prints to PDF on A4', async () => {
    await page.screenshot({ path: join(shots, 'monthly.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    writeFileSync(join(shots, 'monthly.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pages).toBeLessThan(15);
  });
});

describe('the weekly digest in Chromium', () => {
  it('loads nothing and is accessible', async () => {
    const { page, requests, problems } = await open(await renderReportHtml(sampleWeeklyFigures(), { deskUrl: 'http://localhost:3000/desk' }));
    try {
      expect(requests).toEqual([]);
      expect(problems).toEqual([]);
      await expectAccessible(page, 'weekly digest');
      expect(await allAxeViolations(page)).toEqual([]);
      await page.screenshot({ path: join(shots, 'weekly.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
