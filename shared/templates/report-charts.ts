/**
 * The compliance report's charts (issue 12) as inline SVG, drawn on the server by Vega-Lite
 * (compiled to Vega) and Vega's headless SVG renderer (TOOLCHAIN.md: `renderer: 'none'`,
 * `view.toSVG()`): nothing runs in the reader's browser or mail client, and the charts print.
 *
 * - Vega is imported only inside the render functions, so a module that imports this one but
 *   never draws (or a handler that never reaches it) does not pay for loading ~1 MB of Vega.
 * - Every chart is drawn from inline values, and the View gets a loader that refuses every load,
 *   so Vega cannot reach the network or the file system whatever a spec says.
 * - Each SVG is an image to assistive technology (`role="img"`, `aria-label`, a `<title>`);
 *   the report prints the same figures in tables next to it.
 * - A fixed width fits an A4 page in portrait; colours are print-safe and pass contrast on white.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Loader } from 'vega';
import type { MonthlyFigures, RequestRight, RightFigures } from '#domain/report-figures';
import { RIGHT_NAMES } from './report-format';

/** Width of every chart in CSS px: fits an A4 page (about 680 px of print area) with its margins. */
export const CHART_WIDTH = 640;
const PLOT_HEIGHT = 220;

/** Print-friendly colours with at least 4.5:1 contrast on white (bars and text alike). */
export const CHART_COLOURS = {
  bar: '#1d70b8', // 5.2:1
  line: '#0b0c0c', // 19:1
  text: '#0b0c0c',
  muted: '#505a5f', // 7:1
  grid: '#d6d9db',
} as const;

const FONT = 'Arial, Helvetica, sans-serif';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

const CONFIG = {
  font: FONT,
  background: '#ffffff',
  padding: 8,
  view: { stroke: null },
  axis: {
    labelColor: CHART_COLOURS.text,
    titleColor: CHART_COLOURS.text,
    domainColor: CHART_COLOURS.muted,
    tickColor: CHART_COLOURS.muted,
    gridColor: CHART_COLOURS.grid,
    labelFontSize: 12,
    titleFontSize: 12,
    titleFontWeight: 'bold',
  },
  legend: { labelColor: CHART_COLOURS.text, titleColor: CHART_COLOURS.text, labelFontSize: 12, orient: 'top' },
  // The marks' own ARIA (one label per bar) is hidden inside role="img" anyway; leave it out.
  aria: false,
} as const;

/** A month `2026-11` as an axis label: "Nov", with the year on the first month and on January. */
function monthLabel(month: string, first: boolean): string {
  const m = Number(month.slice(5, 7));
  const name = MONTHS[m - 1] ?? month;
  return first || m === 1 ? `${name} ${month.slice(0, 4)}` : name;
}
const longMonth = (month: string) => `${LONG_MONTHS[Number(month.slice(5, 7)) - 1] ?? month} ${month.slice(0, 4)}`;
const percent = (rate: number | null) => (rate === null ? 'none answered' : `${Math.round(rate * 1000) / 10} %`);

/** (a) Requests received per month (bars) and the on-time rate of those answered that month (line, right axis, 0–100 %). */
export async function trendChart(trend: MonthlyFigures['trend']): Promise<string> {
  const values = trend.map((p, i) => ({
    month: monthLabel(p.month, i === 0),
    received: p.received,
    rate: p.onTimeRate === null ? null : Math.round(p.onTimeRate * 1000) / 10,
  }));
  const order = values.map((v) => v.month);
  // "Dec 2025" over two lines: twelve of them side by side would overlap at this width.
  const x = { field: 'month', type: 'ordinal', sort: order, title: null, axis: { labelAngle: 0, labelExpr: "split(datum.value, ' ')" } } as const;
  const spec: TopLevelSpec = {
    width: CHART_WIDTH,
    height: PLOT_HEIGHT,
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { values },
    encoding: { x },
    layer: [
      {
        mark: { type: 'bar', color: CHART_COLOURS.bar },
        encoding: {
          y: { field: 'received', type: 'quantitative', title: 'Requests received (bars)', axis: { tickMinStep: 1, format: 'd' } },
        },
      },
      {
        mark: {
          type: 'line',
          color: CHART_COLOURS.line,
          strokeWidth: 2,
          point: { filled: false, fill: '#ffffff', stroke: CHART_COLOURS.line, strokeWidth: 2, size: 40 },
        },
        encoding: {
          y: {
            field: 'rate',
            type: 'quantitative',
            title: 'On-time rate, % (line)',
            scale: { domain: [0, 100] },
            axis: { orient: 'right', grid: false, values: [0, 25, 50, 75, 100] },
          },
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
    config: CONFIG,
  };
  const first = trend[0];
  const last = trend.at(-1);
  const span = first && last ? `${longMonth(first.month)} to ${longMonth(last.month)}` : 'no months';
  const detail = trend.map((p) => `${longMonth(p.month)}: ${p.received} received, on time ${percent(p.onTimeRate)}`).join('; ');
  return render(spec, `Requests received per month and on-time rate, ${span}`, detail);
}

/** (b) Requests received in the period by right (the table's rows, without "All requests"). */
export async function byRightChart(byRight: readonly RightFigures[]): Promise<string> {
  const rows = byRight.filter((r): r is RightFigures & { right: RequestRight } => r.right !== 'all');
  const values = rows.map((r) => ({ right: RIGHT_NAMES[r.right], received: r.received }));
  const spec: TopLevelSpec = {
    width: CHART_WIDTH,
    height: { step: 30 },
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { values },
    encoding: {
      y: { field: 'right', type: 'nominal', sort: values.map((v) => v.right), title: null },
      x: { field: 'received', type: 'quantitative', title: 'Requests received', axis: { tickMinStep: 1, format: 'd' } },
    },
    layer: [
      { mark: { type: 'bar', color: CHART_COLOURS.bar } },
      {
        mark: { type: 'text', align: 'left', dx: 4, color: CHART_COLOURS.text, fontSize: 12 },
        encoding: { text: { field: 'received', type: 'quantitative' } },
      },
    ],
    config: CONFIG,
  };
  const detail = values.map((v) => `${v.right}: ${v.received}`).join('; ');
  return render(spec, 'Requests received by right', detail);
}

/** (c) Requests answered in the period by days to respond, in the report's bins (already counted, shown in order). */
export async function histogramChart(histogram: MonthlyFigures['histogram']): Promise<string> {
  const values = histogram.map((b) => ({ bin: b.bin, count: b.count }));
  const spec: TopLevelSpec = {
    width: CHART_WIDTH,
    height: PLOT_HEIGHT,
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { values },
    encoding: {
      x: { field: 'bin', type: 'ordinal', sort: values.map((v) => v.bin), title: 'Calendar days from receipt to response', axis: { labelAngle: 0 } },
      y: { field: 'count', type: 'quantitative', title: 'Requests answered', axis: { tickMinStep: 1, format: 'd' } },
    },
    layer: [
      { mark: { type: 'bar', color: CHART_COLOURS.bar } },
      {
        mark: { type: 'text', baseline: 'bottom', dy: -3, color: CHART_COLOURS.text, fontSize: 12 },
        encoding: { text: { field: 'count', type: 'quantitative' } },
      },
    ],
    config: CONFIG,
  };
  const detail = values.map((v) => `${v.bin} days: ${v.count}`).join('; ');
  return render(spec, 'Requests answered by days to respond', detail);
}

/** A loader that loads nothing: every chart's data is inline, and Vega must never fetch or read a file. */
function refusingLoader(): Loader {
  const refuse = (what: string) => Promise.reject(new Error(`Report charts load nothing (${what})`));
  return {
    options: {},
    load: (uri: string) => refuse(uri),
    sanitize: (uri: string) => refuse(uri),
    http: (uri: string) => refuse(uri),
    file: (filename: string) => refuse(filename),
  } as unknown as Loader;
}

/** Compiles and draws `spec`; the SVG is an image named `title`, with `detail` (the figures) as its description. */
async function render(spec: TopLevelSpec, title: string, detail: string): Promise<string> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  // Vega-Lite's warnings (e.g. that fit-y is dropped for a chart whose height is a step per bar) are not the reader's business.
  const compiled = vl.compile(spec, { logger: vega.logger(vega.Error) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: refusingLoader(), logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    return accessible(svg, title, detail);
  } finally {
    view.finalize();
  }
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The root <svg> as an image: role="img" and aria-label instead of Vega's graphics-document role,
 * a <title> (its tooltip and name) and a <desc> with the figures. Inside an image nothing is
 * announced, so the ARIA roles Vega still puts on its groups go (the unused xlink namespace too).
 */
function accessible(svg: string, title: string, detail: string): string {
  const open = /^<svg\b[^>]*>/.exec(svg);
  if (!open) throw new Error('Vega did not draw an <svg>');
  const width = /\bwidth="([\d.]+)"/.exec(open[0])?.[1] ?? String(CHART_WIDTH);
  const height = /\bheight="([\d.]+)"/.exec(open[0])?.[1] ?? String(PLOT_HEIGHT);
  const viewBox = /\bviewBox="([^"]+)"/.exec(open[0])?.[1] ?? `0 0 ${width} ${height}`;
  const root =
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="${escapeXml(viewBox)}" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title><desc>${escapeXml(detail)}</desc>`;
  return root + svg.slice(open[0].length).replace(/ (?:role|aria-[a-z]+)="[^"]*"/g, '');
}
