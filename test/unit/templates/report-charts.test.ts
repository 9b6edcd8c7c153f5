/**
 * The report's charts: accessible, self-contained SVG of the figures, drawn without the network,
 * and the same when bundled for Lambda (infra/bundling.ts, ESBUILD_OPTIONS) and run in Node.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ESBUILD_OPTIONS } from '#infra/bundling';
import type { MonthlyFigures } from '#domain/report-figures';
import { CHART_WIDTH, byRightChart, histogramChart, trendChart } from '#shared/templates/report-charts';
import { sampleMonthlyFigures } from '#test/support/report-fixtures';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The bars a chart drew: Vega draws each rect mark item as a <path> in a `mark-rect` group. */
function barCount(svg: string): number {
  const groups = [...svg.matchAll(/<g class="mark-rect[^"]*">([\s\S]*?)<\/g>/g)].map((m) => m[1]!);
  return groups.reduce((n, g) => n + (g.match(/<path /g)?.length ?? 0), 0);
}

function expectSelfContainedImage(svg: string, label: RegExp): void {
  expect(svg).toMatch(
    new RegExp(
      `^<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${CHART_WIDTH}" height="\\d+" viewBox="0 0 ${CHART_WIDTH} \\d+" role="img" aria-label="[^"]+"><title>`,
    ),
  );
  expect(/aria-label="([^"]+)"/.exec(svg)?.[1]).toMatch(label);
  expect(/<title>([^<]+)<\/title>/.exec(svg)?.[1]).toMatch(label);
  expect(svg).toMatch(/<desc>[^<]+<\/desc>/);
  expect(svg).not.toMatch(/<script|<image|<use|<foreignObject|\shref=|xlink:href|url\(|@import|\son[a-z]+=/i);
  // The SVG namespace is the one URL: nothing is loaded.
  expect([...svg.matchAll(/https?:\/\/[^"\s]+/g)].map((m) => m[0])).toEqual(['http://www.w3.org/2000/svg']);
  // Inside an image nothing is announced: no roles below the root.
  expect(svg.match(/\srole=/g)).toHaveLength(1);
  expect(svg).not.toContain('font-family="http');
}

describe('report charts', () => {
  let figures: MonthlyFigures;
  beforeAll(() => {
    figures = sampleMonthlyFigures();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('draws the 12-month trend: one bar per month, a line of the on-time rate on a 0–100 axis', async () => {
    const svg = await trendChart(figures.trend);
    expectSelfContainedImage(svg, /^Requests received per month and on-time rate, December 2025 to November 2026$/);
    expect(barCount(svg)).toBe(12);
    expect(svg).toMatch(/<g class="mark-line[^"]*"><path /);
    for (const tick of ['0', '25', '50', '75', '100']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).toContain('On-time rate, % (line)');
    // The figures are in the description, for anyone who cannot see the bars.
    expect(svg).toContain('November 2026: 9 received, on time 83.3 %');
    expect(svg).toContain('May 2026: 0 received, on time none answered');
  });

  it('draws requests by right: one bar per right, human labels, no "all"', async () => {
    const svg = await byRightChart(figures.byRight);
    expectSelfContainedImage(svg, /^Requests received by right$/);
    expect(barCount(svg)).toBe(6);
    for (const name of ['Access', 'Rectification', 'Erasure', 'Restriction', 'Objection', 'Portability']) expect(svg).toContain(`>${name}</text>`);
    expect(svg).not.toMatch(/>all<|All requests/);
    expect(svg).toContain('<desc>Access: 4; Rectification: 1; Erasure: 2; Restriction: 1; Objection: 1; Portability: 2</desc>');
  });

  it('draws the histogram with its bins in order', async () => {
    const svg = await histogramChart(figures.histogram);
    expectSelfContainedImage(svg, /^Requests answered by days to respond$/);
    expect(barCount(svg)).toBe(8);
    const labels = [...svg.matchAll(/>([0-9]+[–+][0-9]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['0–7', '8–14', '15–21', '22–28', '29–35', '36–60', '61–90', '91+']);
  });

  it('never touches the network: charts draw with fetch unavailable', async () => {
    const fetch = vi.fn(() => Promise.reject(new Error('no network in a report')));
    vi.stubGlobal('fetch', fetch);
    await trendChart(figures.trend);
    await byRightChart(figures.byRight);
    await histogramChart(figures.histogram);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('escapes what it writes into the SVG’s name and description', async () => {
    const svg = await histogramChart([{ bin: '<b>&"x"', count: 1 }]);
    expect(svg).toContain('<desc>&lt;b&gt;&amp;&quot;x&quot; days: 1</desc>');
    expect(svg).not.toContain('<b>');
  });
});

describe('report charts, bundled for Lambda', () => {
  let dir: string;
  let inputs: string[];
  let bundled: { trendChart: typeof trendChart; byRightChart: typeof byRightChart; histogramChart: typeof histogramChart };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rightsdesk-charts-'));
    const result = await build({
      ...ESBUILD_OPTIONS,
      stdin: {
        contents: "export { trendChart, byRightChart, histogramChart } from './shared/templates/report-charts.ts';",
        resolveDir: REPO_ROOT,
        sourcefile: 'charts-entry.js',
        loader: 'js',
      },
      outfile: join(dir, 'index.mjs'),
      metafile: true,
      logLevel: 'error',
    });
    inputs = Object.keys(result.metafile.inputs);
    bundled = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as typeof bundled;
  });

  afterAll(() => {
    vi.unstubAllGlobals();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('carries Vega in the bundle (nothing to install beside it) and no canvas', () => {
    expect(inputs.some((p) => p.includes('node_modules/vega/'))).toBe(true);
    expect(inputs.some((p) => p.includes('node_modules/vega-lite/'))).toBe(true);
    expect(inputs.filter((p) => /node_modules\/canvas\//.test(p))).toEqual([]);
  });

  it('draws the same charts as unbundled, with fetch unavailable', async () => {
    const fetch = vi.fn(() => Promise.reject(new Error('no network in a report')));
    vi.stubGlobal('fetch', fetch);
    const figures = sampleMonthlyFigures();
    expect(await bundled.trendChart(figures.trend)).toBe(await trendChart(figures.trend));
    expect(await bundled.byRightChart(figures.byRight)).toBe(await byRightChart(figures.byRight));
    expect(await bundled.histogramChart(figures.histogram)).toBe(await histogramChart(figures.histogram));
    expect(fetch).not.toHaveBeenCalled();
  });
});
