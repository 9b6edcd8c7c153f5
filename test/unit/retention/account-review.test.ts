/**
 * The account holds' rules and the monthly retention review's use case (issue 13), on in-memory
 * ports: due versus held, a month not yet started refused, the schedule's first-working-day rule
 * and its catch-up, and a re-run replacing the month's review. The adapters are exercised on
 * dynalite and PGlite in test/integration/retention/account-review.test.ts.
 */
import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { holdToPlace, parseAccountId, parseReviewOn, type AccountHoldInForce } from '#domain/account-holds';
import { ValidationError } from '#domain/errors';
import type { AccountSummary } from '#shared/ports';
import { runAccountReview, runScheduledAccountReview, type AccountReviewRecord, type RetentionReviewStore } from '#shared/retention/account-review';
import { retentionReviewPage } from '#shared/templates/retention-review-page';
import type { Staff } from '#shared/auth/staff';

const at = (iso: string) => ({ now: () => new Date(iso) });

const account = (accountId: string, name: string, closedOn: string | null): AccountSummary => ({
  accountId,
  name,
  status: closedOn ? 'closed' : 'open',
  closedOn,
  privacyContact: 'privacy@customer.example',
});

const ACCOUNTS = [
  account('ACC-1003', 'Severn Logistics', '2018-03-31'),
  account('ACC-2019', 'Upton Bakery', '2019-06-12'),
  account('ACC-2020', 'Ledbury Cars', '2019-06-30'),
  account('ACC-2021', 'Pershore Plums', '2019-07-01'),
];

/** The account system: closedBetween as the SQL does it (inclusive dates), and how it was asked. */
function directory() {
  const asked: Array<[string, string]> = [];
  return {
    asked,
    closedBetween: async (from: string, to: string) => {
      asked.push([from, to]);
      return ACCOUNTS.filter((a) => a.closedOn !== null && a.closedOn >= from && a.closedOn <= to);
    },
  };
}

function memoryReviews(): RetentionReviewStore & { saved: Map<string, AccountReviewRecord> } {
  const saved = new Map<string, AccountReviewRecord>();
  return {
    saved,
    save: async (r) => {
      const before = saved.get(r.month);
      const record = { ...r, runs: (before?.runs ?? 0) + 1, firstGeneratedAt: before?.firstGeneratedAt ?? r.generatedAt };
      saved.set(r.month, record);
      return record;
    },
    find: async (month) => saved.get(month),
    latest: async () => [...saved.values()].sort((a, b) => (a.month < b.month ? 1 : -1))[0],
  };
}

const hold = (accountId: string, reason: string): AccountHoldInForce => ({
  accountId,
  reason,
  since: '2026-05-01',
  reviewOn: '2027-01-31',
  placedBy: 'staff:dpo',
});

describe('account holds: the request', () => {
  it('normalises the account id, trims the reason, dates the hold today in London', () => {
    const placed = holdToPlace(
      { accountId: ' acc-1003 ', reason: '  HMRC   enquiry ', reviewOn: '2026-12-31' },
      new Date('2026-12-01T00:30:00Z'),
      'staff:d',
    );
    expect(placed).toEqual({ accountId: 'ACC-1003', hold: { reason: 'HMRC enquiry', since: '2026-12-01', reviewOn: '2026-12-31', placedBy: 'staff:d' } });
    expect(holdToPlace({ accountId: 'ACC-1003', reason: 'x' }, new Date('2026-12-01T12:00:00Z'), 'b').hold.reviewOn).toBeNull();
  });

  it('names every bad field at once: account id, missing reason, review date in the past or malformed', () => {
    const fieldsOf = (body: Record<string, unknown>) => {
      try {
        holdToPlace(body, new Date('2026-12-01T12:00:00Z'), 'b');
        return {};
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationError);
        return (err as ValidationError).fields;
      }
    };
    expect(Object.keys(fieldsOf({ accountId: '1003', reason: ' ', reviewOn: '2026-11-30' })).sort()).toEqual(['accountId', 'reason', 'reviewOn']);
    expect(Object.keys(fieldsOf({ accountId: 'ACC-1003', reason: 'r', reviewOn: '2026-02-30' }))).toEqual(['reviewOn']);
    expect(Object.keys(fieldsOf({ accountId: 'ACC-1003', reason: 'r'.repeat(501) }))).toEqual(['reason']);
    expect(parseReviewOn('2026-12-01', '2026-12-01')).toBe('2026-12-01');
    expect(() => parseAccountId('ACC-12')).toThrow(ValidationError);
  });
});

describe('the monthly retention review', () => {
  it('lists the accounts whose 7 years ended in the month: due, or held with the hold’s reason', async () => {
    const accounts = directory();
    const reviews = memoryReviews();
    const review = await runAccountReview(
      { accounts, holds: { list: async () => [hold('ACC-2020', 'Disputed invoice')] }, reviews, clock: at('2026-07-01T06:30:00Z') },
      '2026-06',
      'system',
    );
    expect(accounts.asked).toEqual([['2019-06-01', '2019-06-30']]);
    expect(review.due).toEqual([{ accountId: 'ACC-2019', name: 'Upton Bakery', closedOn: '2019-06-12', keptUntil: '2026-06-12' }]);
    expect(review.held).toEqual([
      {
        accountId: 'ACC-2020',
        name: 'Ledbury Cars',
        closedOn: '2019-06-30',
        keptUntil: '2026-06-30',
        reason: 'Disputed invoice',
        since: '2026-05-01',
        reviewOn: '2027-01-31',
      },
    ]);
    expect(review).toMatchObject({
      month: '2026-06',
      runs: 1,
      by: 'system',
      generatedAt: '2026-07-01T06:30:00.000Z',
      firstGeneratedAt: '2026-07-01T06:30:00.000Z',
    });
  });

  it('a re-run replaces the month’s lists, counts the run and keeps the first time', async () => {
    const reviews = memoryReviews();
    const holds: AccountHoldInForce[] = [hold('ACC-1003', 'Litigation')];
    const deps = { accounts: directory(), holds: { list: async () => holds }, reviews, clock: at('2025-04-01T08:00:00Z') };
    const first = await runAccountReview(deps, '2025-03', 'system');
    expect(first.held.map((h) => h.accountId)).toEqual(['ACC-1003']);
    holds.length = 0;
    const again = await runAccountReview({ ...deps, clock: at('2025-04-02T08:00:00Z') }, '2025-03', 'staff:dpo@icetrak.net');
    expect(again.due).toEqual([{ accountId: 'ACC-1003', name: 'Severn Logistics', closedOn: '2018-03-31', keptUntil: '2025-03-31' }]);
    expect(again.held).toEqual([]);
    expect(again).toMatchObject({ runs: 2, firstGeneratedAt: '2025-04-01T08:00:00.000Z', generatedAt: '2025-04-02T08:00:00.000Z' });
  });

  it('refuses a month not yet started, and a malformed one, before reading anything', async () => {
    const accounts = directory();
    const deps = { accounts, holds: { list: async () => [] }, reviews: memoryReviews(), clock: at('2026-12-01T09:00:00Z') };
    await expect(runAccountReview(deps, '2027-01', 'system')).rejects.toBeInstanceOf(ValidationError);
    await expect(runAccountReview(deps, '2026-13', 'system')).rejects.toBeInstanceOf(ValidationError);
    expect(accounts.asked).toEqual([]);
  });

  it('the schedule waits for the first working day, reviews the month before once, and catches a missed day up', async () => {
    const reviews = memoryReviews();
    const deps = (iso: string) => ({ accounts: directory(), holds: { list: async () => [] }, reviews, clock: at(iso) });
    // 1 May 2027 is a Saturday and Monday 3 May the early May bank holiday: Tuesday 4 May is the first working day.
    expect(await runScheduledAccountReview(deps('2027-05-03T06:30:00Z'), 'england-and-wales')).toEqual({ did: 'nothing-due' });
    expect(await runScheduledAccountReview(deps('2027-05-04T06:30:00Z'), 'england-and-wales')).toEqual({ month: '2027-04', did: 'made', due: 0, held: 0 });
    expect(await runScheduledAccountReview(deps('2027-05-05T06:30:00Z'), 'england-and-wales')).toEqual({ month: '2027-04', did: 'already-made' });
    // A run that never happened on the first working day is made by the next day's.
    expect(await runScheduledAccountReview(deps('2026-07-02T06:30:00Z'), 'england-and-wales')).toMatchObject({ month: '2026-06', did: 'made', due: 2 });
    expect(reviews.saved.get('2026-06')?.by).toBe('system');
  });
});

describe('the desk’s retention review page', () => {
  const validator = new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'doctype-style': 'off' } });
  const dpo: Staff = { sub: 's-1', email: 'dpo.lead@icetrak.net', name: 'Dana Lead', roles: ['dpo'] };
  const viewer: Staff = { sub: 's-2', email: 'auditor@icetrak.net', name: 'Audrey Tor', roles: ['viewer'] };
  const EVIL = '<script>alert("x")</script>';
  const review: AccountReviewRecord = {
    month: '2026-06',
    closedFrom: '2019-06-01',
    closedTo: '2019-06-30',
    generatedAt: '2026-07-01T06:30:00.000Z',
    firstGeneratedAt: '2026-07-01T06:30:00.000Z',
    by: 'system',
    runs: 1,
    due: [{ accountId: 'ACC-2019', name: EVIL, closedOn: '2019-06-12', keptUntil: '2026-06-12' }],
    held: [
      { accountId: 'ACC-2020', name: 'Ledbury Cars', closedOn: '2019-06-30', keptUntil: '2026-06-30', reason: EVIL, since: '2026-05-01', reviewOn: null },
    ],
  };
  const holds = [hold('ACC-2020', EVIL), hold('ACC-1003', 'Litigation')];
  const page = (staff: Staff, failed?: Parameters<typeof retentionReviewPage>[0]['failed']) =>
    retentionReviewPage({ review, holds, staff, csrf: 'tok', basePath: '/prod', today: '2026-12-02', ...(failed ? { failed } : {}) });

  it('is valid, escaped, and gives the DPO the run, place and release forms with the form token', async () => {
    const html = page(dpo);
    const report = await validator.validateString(html);
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('action="/prod/desk/retention"');
    expect(html).toContain('action="/prod/desk/retention/holds"');
    expect(html).toContain('action="/prod/desk/retention/holds/ACC-1003/release"');
    // Sign-out, review now, place, and one release per hold.
    expect(html.match(/name="_csrf" value="tok"/g)).toHaveLength(5);
    expect(html).toContain('href="/prod/desk/retention" aria-current="page"');
    expect(html).toContain('12 June 2026');
  });

  it('shows a viewer the review and the holds, without a form', async () => {
    const html = page(viewer);
    expect((await validator.validateString(html)).valid).toBe(true);
    expect(html).toContain('ACC-2019');
    expect(html).toContain('Litigation');
    expect(html).not.toContain('method="post" action="/prod/desk/retention');
  });

  it('puts a rejected form’s errors and values on that form only', async () => {
    const html = page(dpo, { form: 'release', accountId: 'ACC-1003', errors: { reason: 'Give the reason.' }, values: { reason: '' } });
    expect((await validator.validateString(html)).valid).toBe(true);
    expect(html).toContain('href="#release-ACC-1003-reason"');
    expect(html.match(/aria-invalid="true"/g)).toHaveLength(1);
    expect(html).toMatch(/<title>Error: /);
  });
});
