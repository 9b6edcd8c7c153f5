import { HtmlValidate } from 'html-validate';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPORT_DEFINITIONS, type MonthlyFigures } from '#domain/report-figures';
import { escapeHtml } from '#http/html';
import { renderReportHtml } from '#shared/templates/report-html';
import { SAMPLE_EXTENSION_REASON, SAMPLE_PERSONAL_DATA, sampleMonthlyFigures, sampleWeeklyFigures } from '#test/support/report-fixtures';

const DESK = 'http://localhost:3000/desk';
// html-validate's recommended rules, none turned off.
const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });

async function expectValid(html: string): Promise<void> {
  const report = await validator.validateString(html);
  const messages = report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
  expect(messages).toEqual([]);
  expect(report.valid).toBe(true);
}

/** Every URL the document would load (src, href on link, url() in CSS, srcset, object data, @import). */
function loadedResources(html: string): string[] {
  const inStyle = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join('');
  return [
    ...[...html.matchAll(/\s(?:src|srcset|data|poster|background|xlink:href)="([^"]*)"/g)].map((m) => m[1]!),
    ...[...html.matchAll(/<link\b[^>]*>/g)].map((m) => m[0]),
    ...[...html.matchAll(/<(?:image|use|iframe|object|embed|img|video|audio|source)\b[^>]*>/g)].map((m) => m[0]),
    ...[...inStyle.matchAll(/url\(|@import/g)].map((m) => m[0]),
  ];
}

describe('renderReportHtml: the monthly report', () => {
  let figures: MonthlyFigures;
  let html: string;
  beforeAll(async () => {
    figures = sampleMonthlyFigures();
    html = await renderReportHtml(figures, { deskUrl: DESK });
  });

  it('is a valid HTML5 document by html-validate’s recommended rules', async () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en-GB">')).toBe(true);
    await expectValid(html);
  });

  it('has the title, the period and the generated time in London', () => {
    expect(html).toContain('<title>Rightsdesk compliance report: November 2026</title>');
    expect(html).toContain('<h1>Rightsdesk compliance report: November 2026</h1>');
    expect(html).toContain('Tuesday 1 December 2026 at 07:00</time> (London time)');
    // A summer instant is shown in BST, not UTC.
    return renderReportHtml({ ...figures, generatedAt: '2026-07-01T06:00:00.000Z' }).then((summer) =>
      expect(summer).toContain('Wednesday 1 July 2026 at 07:00'),
    );
  });

  it('runs no script and loads nothing: CSS inline, charts inline SVG', () => {
    expect(html).not.toMatch(/<script|\son[a-z]+=|javascript:/i);
    expect(loadedResources(html)).toEqual([]);
    expect(html.match(/<svg /g)).toHaveLength(3);
    // The only http(s) URLs are links to the desk (its cases, its reports, the desk itself) and the SVG namespace.
    const urls = [...html.matchAll(/https?:\/\/[^"'\s<)]+/g)].map((m) => m[0]);
    const desk = (u: string) => u.startsWith(`${DESK}/cases/`) || u === `${DESK}/reports` || u === DESK;
    expect(urls.filter((u) => !desk(u) && u !== 'http://www.w3.org/2000/svg')).toEqual([]);
    expect(urls).toEqual(expect.arrayContaining([`${DESK}/reports`, DESK]));
  });

  it('shows the headline numbers as tiles, percentages as "83.3 %"', () => {
    const tiles = [...html.matchAll(/<div class="tile[^"]*"><dt>([^<]+)<\/dt><dd>([^<]+)/g)].map((m) => [m[1], m[2]]);
    expect(tiles).toEqual([
      ['Requests received', '9'],
      ['Requests answered', '6'],
      ['Answered on time', '83.3 %'],
      ['Median days to respond', '17'],
      ['Overdue now', '1'],
      ['Complaints received', '2'],
    ]);
  });

  it('prints every definition under its section (all but the weekly digest’s)', () => {
    for (const [key, text] of Object.entries(REPORT_DEFINITIONS)) {
      const printed = html.includes(`<p class="definition">${escapeHtml(text)}</p>`);
      expect(printed, key).toBe(key !== 'weekly');
    }
    // Under the section it defines: each section's own definitions follow its heading, before the next section.
    const sections = [...html.matchAll(/<section id="([^"]+)"[\s\S]*?<\/section>/g)].map((m) => [m[1]!, m[0]] as const);
    const inSection = (id: string) => sections.find(([s]) => s === id)?.[1] ?? '';
    const expected: Record<string, string[]> = {
      trend: ['trend'],
      'by-right': ['volume', 'timeliness', 'days'],
      'by-channel': ['channel'],
      days: ['days'],
      extensions: ['extensions'],
      pauses: ['pauses'],
      refusals: ['refusals'],
      partial: ['partial'],
      forwarded: ['forwarded'],
      complaints: ['complaints'],
      unverified: ['unverified'],
      overdue: ['overdue'],
    };
    for (const [id, keys] of Object.entries(expected)) {
      for (const key of keys) expect(inSection(id), `${id} defines ${key}`).toContain(escapeHtml(REPORT_DEFINITIONS[key]!));
    }
  });

  it('has the tables by right, with every right and all requests, and the overdue list linked to the desk', () => {
    for (const name of ['Access', 'Rectification', 'Erasure', 'Restriction', 'Objection', 'Portability', 'All requests']) {
      expect(html.match(new RegExp(`<th scope="row">${name}</th>`, 'g')), name).toHaveLength(2);
    }
    expect(html).toContain(`<a href="${DESK}/cases/RD-CTAAA3">RD-CTAAA3</a></th><td>Access, Rectification</td>`);
    expect(html).toContain('<td class="num">29</td><td class="num">61</td>');
    expect(html).toContain('<td class="num">66.7 %</td>');
  });

  it('escapes what the DPO team wrote, and a hostile extension reason cannot inject markup', async () => {
    expect(html).toContain(escapeHtml(SAMPLE_EXTENSION_REASON));
    const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>"\'';
    const withHostile: MonthlyFigures = {
      ...figures,
      extensions: { ...figures.extensions, cases: [{ reference: 'RD-NVAAA5', ground: 'complex', reason: hostile }] },
    };
    const out = await renderReportHtml(withHostile, { deskUrl: DESK });
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;&quot;&#39;');
    await expectValid(out);
  });

  it('links references only when the desk URL is given, and only to an http(s) desk', async () => {
    const plain = await renderReportHtml(figures);
    expect(plain).not.toContain('<a href');
    expect(plain).toContain('<th scope="row">RD-CTAAA3</th>');
    await expect(renderReportHtml(figures, { deskUrl: 'javascript:alert(1)//' })).rejects.toThrow(/http/);
  });

  it('names no requester', () => {
    for (const value of Object.values(SAMPLE_PERSONAL_DATA)) expect(html).not.toContain(value);
  });

  it('groups numbers en-GB and shows "—" for a rate with nothing to rate', async () => {
    const big: MonthlyFigures = { ...figures, headline: { ...figures.headline, received: 12345, onTimeRate: null } };
    const out = await renderReportHtml(big);
    expect(out).toContain('<dt>Requests received</dt><dd>12,345');
    expect(out).toContain('<dt>Answered on time</dt><dd>—');
  });

  it('has print CSS: A4 pages, no breaks inside tables and charts', () => {
    expect(html).toContain('@page{size:A4');
    expect(html).toMatch(/@media print\{[\s\S]*table,figure[^{]*\{break-inside:avoid/);
  });
});

describe('renderReportHtml: the weekly digest', () => {
  it('has its title, tiles, due and overdue tables, triage note and definitions, and is valid', async () => {
    const figures = sampleWeeklyFigures();
    const html = await renderReportHtml(figures, { deskUrl: DESK });
    await expectValid(html);
    expect(html).toContain('<h1>Rightsdesk weekly digest: week 48 of 2026 (23 November 2026 to 29 November 2026)</h1>');
    expect(html).toContain('<title>Rightsdesk weekly digest: week 48 of 2026</title>');
    const tiles = [...html.matchAll(/<dt>([^<]+)<\/dt><dd>([^<]+)/g)].map((m) => `${m[1] ?? ''}=${m[2] ?? ''}`);
    expect(tiles).toEqual(['Open=7', 'Due this week=2', 'Overdue=2', 'Triage backlog=2', 'Awaiting the requester=1']);
    for (const r of [...figures.dueThisWeek, ...figures.overdue]) expect(html).toContain(`<a href="${DESK}/cases/${r.reference}">${r.reference}</a>`);
    expect(html).toContain('2 cases are waiting for the DPO team to look at them; the oldest arrived 7 days ago.');
    expect(html).toContain(`<p class="definition">${escapeHtml(REPORT_DEFINITIONS.weekly!)}</p>`);
    expect(html).toContain(`<p class="definition">${escapeHtml(REPORT_DEFINITIONS.overdue!)}</p>`);
    expect(html).not.toMatch(/<script|<svg/);
    expect(loadedResources(html)).toEqual([]);
    for (const value of Object.values(SAMPLE_PERSONAL_DATA)) expect(html).not.toContain(value);
  });

  it('says so when nothing is due or overdue', async () => {
    const figures = { ...sampleWeeklyFigures(), dueThisWeek: [], overdue: [] };
    const html = await renderReportHtml(figures);
    expect(html).toContain('No open request is due this week.');
    expect(html).toContain('No open request is overdue.');
    await expectValid(html);
  });
});
