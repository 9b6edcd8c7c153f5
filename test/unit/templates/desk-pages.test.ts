import { describe, expect, it } from 'vitest';
import type { Case } from '#domain/case';
import type { OutboxEntry } from '#domain/outbox';
import type { QueueRow } from '#domain/queue';
import type { Staff } from '#shared/auth/staff';
import { ACTION_SCHEMAS, type ActionName } from '#shared/cases/act';
import type { CaseView } from '#shared/cases/case-view';
import { staffEntrySchema } from '#shared/cases/enter';
import type { QueuePage } from '#shared/cases/queue';
import {
  casePage,
  deskErrorPage,
  deskLayout,
  letterPage,
  messagePage,
  newCasePage,
  queuePage,
  signedOutPage,
  type DeskMessage,
} from '#shared/templates/desk-pages';
import { raw } from '#http/html';
import { aCase } from '#test/support/cases';

const BASE = '/prod';
const CSRF = 'csrf-Tok3n_value';
const EVIL = '<script>alert("x")</script>';
const dpo: Staff = { sub: 's-1', email: 'dpo.lead@icetrak.net', name: 'Dana Lead', roles: ['dpo'] };
const viewer: Staff = { sub: 's-2', email: 'auditor@icetrak.net', name: 'Audrey Tor', roles: ['viewer'] };

// --- structural checks on the HTML, without a DOM ---------------------------------------------

const postForms = (html: string): string[] => [...html.matchAll(/<form\b[^>]*method="post"[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]);
const namesIn = (form: string): string[] => [...form.matchAll(/<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"/g)].map((m) => m[1]!);
const ids = (html: string): string[] => [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);

/** Whatever every desk page must be: one h1, no script, escaped, ids unique, every control labelled, every post form with the token. */
function expectSound(html: string, opts: { csrf?: string } = {}): void {
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).toContain('<html lang="en-GB">');
  expect(html.toLowerCase()).not.toContain('<script');
  expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
  expect(html.match(/<h1\b/g)).toHaveLength(1);
  expect(html).toContain('<main id="main"');
  const all = ids(html);
  expect(all.length).toBe(new Set(all).size);
  // Every visible control has a <label for> naming its id.
  for (const m of html.matchAll(/<(input|textarea|select)\b([^>]*)>/g)) {
    const attrs = m[2]!;
    if (/type="hidden"/.test(attrs)) continue;
    const id = /\sid="([^"]+)"/.exec(attrs)?.[1] ?? '';
    expect(id, `control without id: ${m[0]}`).not.toBe('');
    expect(html, `no label for #${id}`).toContain(`<label for="${id}">`);
  }
  // Every aria-describedby points at an element on the page.
  for (const m of html.matchAll(/aria-describedby="([^"]+)"/g)) for (const ref of m[1]!.split(' ')) expect(all).toContain(ref);
  for (const form of postForms(html)) expect(form).toContain(`<input type="hidden" name="_csrf" value="${opts.csrf ?? CSRF}">`);
}

/** Every link in the error summary goes to a control on the page. */
function summaryTargets(html: string): string[] {
  const summary = /<div class="summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
  const targets = [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
  for (const t of targets) expect(ids(html)).toContain(t);
  return targets;
}

// --- realistic data ------------------------------------------------------------------------

function aRow(overrides: Partial<QueueRow> = {}): QueueRow {
  return {
    reference: 'RD-7K4M9P',
    status: 'in_progress',
    rights: ['access', 'erasure'],
    channel: 'email',
    receivedOn: '2026-11-02',
    dueOn: '2026-12-02',
    workingDaysLeft: 3,
    flags: [],
    ...overrides,
  };
}

function aView(c: Case, overrides: Partial<CaseView> = {}): CaseView {
  return {
    case: c,
    today: '2026-11-20',
    workingDaysLeft: 8,
    dueExplanation: ['Received Monday 2 November 2026 (form).', 'Due Wednesday 2 December 2026 (bank holidays of england and wales).'],
    timeline: [
      { at: '2026-11-03T09:15:00.000Z', action: 'IdentityConfirmed', actor: 'staff:dpo.lead@icetrak.net', detail: { method: 'account email matches' } },
      { at: '2026-11-02T10:00:00.000Z', action: 'RequestReceived', actor: 'requester' },
    ],
    correspondence: [],
    actions: [] as CaseView['actions'],
    ...overrides,
  };
}

const hostileCase = (overrides: Partial<Case> = {}): Case =>
  aCase({
    reference: 'RD-ABC234',
    requester: {
      fullName: `Mallory ${EVIL}`,
      email: 'mallory@example.org',
      postalAddress: `1 High St\n${EVIL}\nMalvern`,
      phone: '+44 1684 000000',
      relationship: 'message-recipient',
      accountReference: 'ACC-1',
      onBehalfOf: { fullName: `Bob ${EVIL}`, capacity: 'power-of-attorney', authority: `LPA ${EVIL}` },
    },
    details: `Please send ${EVIL} everything`,
    notes: [{ at: '2026-11-04T12:00:00.000Z', by: 'staff:dpo.lead@icetrak.net', kind: 'complex', text: `note ${EVIL}` }],
    ...overrides,
  });

/** Actions the case's action list names (the search section's own forms are drawn from the search, not the list). */
const SECTION_FORMS = [
  'mark-read',
  'mark-posted',
  'search',
  'record-manual-search',
  'mark-third-party',
  // The change plan's section (issue 15, desk-plan.ts).
  'plan',
  'approve-plan',
  'execute-plan',
  'confirm-manual-execution',
  // The restriction panel (desk-restriction.ts).
  'announce-restriction-lift',
  'lift-restriction',
] as const;
const ALL_FORM_ACTIONS = (Object.keys(ACTION_SCHEMAS) as ActionName[]).filter(
  (a): a is Exclude<ActionName, (typeof SECTION_FORMS)[number]> => !(SECTION_FORMS as readonly string[]).includes(a),
);

// --- the tests -----------------------------------------------------------------------------

describe('the desk layout', () => {
  it('names who is signed in, links every queue view, and signs out by a POST with the token', () => {
    const html = deskLayout({ title: 'T', staff: dpo, csrf: CSRF, basePath: BASE, body: raw('<h1>T</h1>'), flash: `Done ${EVIL}` });
    expectSound(html);
    expect(html).toContain('Rightsdesk — DPO desk');
    expect(html).toContain('Dana Lead (dpo.lead@icetrak.net), DPO team');
    expect(html).toMatch(/<form method="post" action="\/prod\/desk\/sign-out">/);
    for (const v of ['open', 'due-soon', 'overdue', 'triage', 'awaiting-requester', 'complaints', 'closed'])
      expect(html).toContain(`href="/prod/desk?view=${v}"`);
    expect(html).toContain('href="/prod/desk/new"');
    expect(html).toMatch(/<form method="get" action="\/prod\/desk" role="search">/);
    expect(html).toContain('<label for="desk-search">Reference or requester email</label>');
    expect(html).toContain('name="q"');
    expect(html).toContain('Done &lt;script&gt;');
  });

  it('offers a viewer no "Log a request" link', () => {
    const html = deskLayout({ title: 'T', staff: viewer, csrf: CSRF, basePath: BASE, body: raw('<h1>T</h1>') });
    expect(html).toContain('Viewer (read only)');
    expect(html).not.toContain('/desk/new');
  });
});

describe('the queue page', () => {
  const page: QueuePage = {
    view: 'open',
    today: '2026-12-04',
    rows: [
      aRow({ reference: 'RD-LATE22', dueOn: '2026-12-02', workingDaysLeft: -2, flags: ['new-correspondence'] }),
      aRow({ reference: 'RD-TODAY2', dueOn: '2026-12-04', workingDaysLeft: 0 }),
      aRow({ reference: 'RD-STOPP2', status: 'awaiting_clarification', dueOn: null, workingDaysLeft: null }),
    ],
    next: 'eyJwayI6IkNBU0UjMSJ9+/=&x',
  };

  it('lists the rows with links, labels, long dates and the time left in words, overdue marked in text', () => {
    const html = queuePage({ page, staff: dpo, csrf: CSRF, basePath: BASE });
    expectSound(html);
    expect(html).toContain('<h1>Open cases</h1>');
    expect(html).toContain('<caption id="queue-caption">');
    expect(html).toContain('<th scope="col">Time left</th>');
    expect(html).toContain('<a href="/prod/desk/cases/RD-LATE22">RD-LATE22</a>');
    expect(html).toContain('Get a copy of my data; Delete my data');
    expect(html).toContain('Wednesday 2 December 2026');
    expect(html).toContain('<strong class="late">2 days overdue</strong>');
    expect(html).toContain('<strong>due today</strong>');
    expect(html).toContain('clock stopped');
    expect(html).toContain('Waiting for clarification');
    expect(html).toContain('Unread correspondence');
    expect(html).toContain('aria-current="page">Open</a>');
  });

  it('links the next page with the cursor URL-encoded', () => {
    const html = queuePage({ page, staff: dpo, csrf: CSRF, basePath: BASE });
    expect(html).toContain(`href="/prod/desk?view=open&amp;cursor=${encodeURIComponent(page.next!)}"`);
    expect(html).not.toContain('cursor=eyJwayI6IkNBU0UjMSJ9+/=&');
    expect(queuePage({ page: { ...page, next: undefined }, staff: dpo, csrf: CSRF, basePath: BASE })).not.toContain('Next page');
  });

  it('heads a search with what was searched for, escaped, and says when nothing matched', () => {
    const html = queuePage({ page: { view: 'open', today: '2026-12-04', rows: [], search: EVIL }, staff: viewer, csrf: CSRF, basePath: BASE });
    expectSound(html);
    expect(html).toContain('<h1>Search results for “&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;”</h1>');
    expect(html).toContain('No cases match that search.');
    expect(html).not.toContain('aria-current="page"');
  });

  it('lists the legal holds due for review above the triage queue, escaped, each linking to its case', () => {
    const holdsToReview = [
      { reference: 'RD-ABC234', status: 'closed' as const, since: '2026-06-01T10:00:00.000Z', reason: `Claim ${EVIL}`, reviewOn: '2026-12-01' },
    ];
    const html = queuePage({ page: { view: 'triage', today: '2026-12-04', rows: [], holdsToReview }, staff: dpo, csrf: CSRF, basePath: BASE });
    expectSound(html);
    expect(html).toContain('<h2 id="holds-to-review">Legal holds due for review</h2>');
    expect(html).toContain('<th scope="row"><a href="/prod/desk/cases/RD-ABC234">RD-ABC234</a></th>');
    expect(html).toContain('<td>Tuesday 1 December 2026</td>');
    expect(html).toContain('<td>Claim &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td>');
    expect(
      queuePage({ page: { view: 'triage', today: '2026-12-04', rows: [], holdsToReview: [] }, staff: dpo, csrf: CSRF, basePath: BASE }),
    ).not.toContain('holds-to-review');
  });

  it('says a view is empty', () => {
    const html = queuePage({ page: { view: 'overdue', today: '2026-12-04', rows: [] }, staff: dpo, csrf: CSRF, basePath: BASE });
    expect(html).toContain('There are no cases in overdue now.');
    expect(html).not.toContain('<table');
  });
});

describe('the case page', () => {
  it('shows the case, the requester and notes, escaping everything the requester wrote', () => {
    const c = hostileCase();
    const html = casePage({ view: aView(c), staff: dpo, csrf: CSRF, basePath: BASE });
    expectSound(html);
    expect(html).toContain('<h1>Case RD-ABC234</h1>');
    expect(html).toContain('Mallory &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('Please send &lt;script&gt;');
    expect(html).toContain('I hold a power of attorney or am their deputy');
    expect(html).toContain('LPA &lt;script&gt;');
    expect(html).toContain('note &lt;script&gt;');
    expect(html).toContain('I received SMS or fax messages sent through Icetrak');
    expect(html).toContain('<li>Received Monday 2 November 2026 (form).</li>');
    expect(html).toContain('8 working days left');
  });

  it('lists the timeline newest first with who did what in words', () => {
    const html = casePage({ view: aView(hostileCase()), staff: dpo, csrf: CSRF, basePath: BASE });
    const timeline = html.slice(html.indexOf('id="timeline"'));
    expect(timeline).toContain('<td>dpo.lead@icetrak.net</td><td>Identity confirmed</td><td>Method: account email matches</td>');
    expect(timeline.indexOf('Identity confirmed')).toBeLessThan(timeline.indexOf('Request received'));
    expect(timeline).toContain('<td>Requester</td>');
    expect(timeline).toContain('<time datetime="2026-11-03T09:15:00.000Z">Tue 3 Nov 2026, 09:15</time>');
  });

  it('gives a DPO one form per allowed action, each posting exactly its schema’s fields with the action and the token', () => {
    const view = aView(hostileCase(), { actions: ALL_FORM_ACTIONS });
    const html = casePage({ view, staff: dpo, csrf: CSRF, basePath: BASE });
    expectSound(html);
    const all = postForms(html).filter((f) => f.includes('/desk/cases/RD-ABC234/actions'));
    // The search section has its own form (issue 14), posting exactly the search action's fields.
    const search = all.filter((f) => f.includes('name="action" value="search"'));
    expect(search).toHaveLength(1);
    expect(new Set(namesIn(search[0]!).filter((n) => n !== 'action' && n !== '_csrf'))).toEqual(new Set(Object.keys(ACTION_SCHEMAS.search.shape)));
    const forms = all.filter((f) => !search.includes(f));
    expect(forms).toHaveLength(ALL_FORM_ACTIONS.length);
    for (const action of ALL_FORM_ACTIONS) {
      const form = forms.find((f) => f.includes(`name="action" value="${action}"`));
      expect(form, action).toBeDefined();
      const fields = new Set(namesIn(form!).filter((n) => n !== 'action' && n !== '_csrf'));
      expect([...fields].sort(), action).toEqual(Object.keys(ACTION_SCHEMAS[action].shape).sort());
    }
    expect(html).toContain('<input type="date" id="record-clarification-receivedOn" name="receivedOn"');
    expect(html).toContain('id="refuse-ground-manifestly-excessive" name="ground" value="manifestly-excessive"');
    expect(html).toContain('id="close-outcome-partially-completed" name="outcome" value="partially-completed"');
    expect(html).toContain('<input type="checkbox" id="forward-icetrakPartRemains" name="icetrakPartRemains" value="yes"');
    // reclassify starts from the rights the case has
    expect(html).toMatch(/id="reclassify-rights-access" name="rights" value="access" checked>/);
    expect(html).not.toMatch(/id="reclassify-rights-erasure"[^>]*checked/);
    expect(html).toContain('Only for complex requests');
    expect(html).toContain('seek a judicial remedy');
  });

  it('shows the retention state: kept until a date once closed, the legal hold with its reason and review date, nothing while open', () => {
    const open = casePage({ view: aView(hostileCase()), staff: dpo, csrf: CSRF, basePath: BASE });
    expect(open).not.toContain('<dt>Retention</dt>');
    const closedAt = '2026-11-20T10:00:00.000Z';
    const closed = hostileCase({ status: 'closed', outcome: 'completed', closedAt, expiresAt: Date.parse('2032-11-20T10:00:00.000Z') / 1000 });
    const kept = casePage({ view: aView(closed, { actions: ['place-hold'] }), staff: dpo, csrf: CSRF, basePath: BASE });
    expectSound(kept);
    expect(kept).toContain('<dt>Retention</dt><dd>Kept until Saturday 20 November 2032</dd>');
    expect(kept).toContain('name="action" value="place-hold"');
    expect(kept).toContain('<input type="date" id="place-hold-reviewOn" name="reviewOn"');
    const held = {
      ...closed,
      legalHold: {
        since: '2026-11-25T10:00:00.000Z',
        reason: `Litigation ${EVIL}`,
        reviewOn: '2027-05-01',
        placedBy: 'staff:dpo.lead@icetrak.net' as const,
      },
    };
    delete held.expiresAt;
    const page = casePage({ view: aView(held, { actions: ['release-hold'] }), staff: dpo, csrf: CSRF, basePath: BASE });
    expectSound(page);
    expect(page).toContain(
      '<dt>Retention</dt><dd>On legal hold since Wednesday 25 November 2026: Litigation &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; (review on Saturday 1 May 2027). Placed by dpo.lead@icetrak.net.</dd>',
    );
    expect([...page.matchAll(/name="action" value="([^"]+)"/g)].map((m) => m[1])).toEqual(['release-hold']);
  });

  it('shows a DPO only the actions the case allows now', () => {
    const html = casePage({ view: aView(hostileCase(), { actions: ['extend', 'reply'] as CaseView['actions'] }), staff: dpo, csrf: CSRF, basePath: BASE });
    const posted = [...html.matchAll(/name="action" value="([^"]+)"/g)].map((m) => m[1]);
    // The search of Icetrak's systems is open on every open request, in its own section above the actions.
    expect(posted).toEqual(['search', 'extend', 'reply']);
  });

  it('shows the Answer: the export’s figures escaped, the review link, release and prepare buttons for a DPO; only the figures for a viewer', () => {
    const c = hostileCase({
      export: {
        id: 'exp0000000001',
        kind: 'access',
        runId: 'run0000000001',
        registerVersion: EVIL,
        preparedAt: '2026-11-20T10:00:00.000Z',
        preparedBy: 'staff:dpo.lead@icetrak.net',
        key: 'exports/CASE/exp0000000001.zip',
        bytes: 48_213,
        recordsBySource: { accounts: 3, [EVIL]: 1 },
        redacted: 2,
        processorRecordsWithheld: 1,
        downloads: 0,
      },
    });
    const view = aView(c, { actions: ['prepare-export', 'release-export'] });
    const html = casePage({ view, staff: dpo, csrf: CSRF, basePath: BASE });
    expectSound(html);
    const answer = html.slice(html.indexOf('<h2 id="answer">'), html.indexOf('<h2 id="actions">'));
    expect(answer).toContain('<li>Customer account system: 3 records</li>');
    expect(answer).toContain('<li>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;: 1 record</li>');
    expect(answer).toContain('register version &lt;script&gt;');
    expect(answer).toContain('<dt>Left out as third-party data</dt><dd>2 records</dd>');
    expect(answer).toContain('<dt>Size</dt><dd>48 KB ZIP file</dd>');
    expect(answer).not.toContain('exports/');
    expect(answer).toContain('<a href="/prod/desk/cases/RD-ABC234/export" download>');
    expect([...answer.matchAll(/name="action" value="([^"]+)"/g)].map((m) => m[1])).toEqual(['release-export', 'prepare-export']);
    const seen = casePage({ view, staff: viewer, csrf: CSRF, basePath: BASE });
    const forViewer = seen.slice(seen.indexOf('<h2 id="answer">'), seen.indexOf('<h2 id="actions">'));
    expect(forViewer).toContain('<dt>Size</dt>');
    expect(forViewer).not.toContain('name="action"');
    expect(forViewer).not.toContain('/export"');
  });

  it('shows a viewer no forms to act, only a note', () => {
    const c = hostileCase({ flags: ['new-correspondence'] });
    const view = aView(c, { actions: ALL_FORM_ACTIONS });
    const html = casePage({ view, staff: viewer, csrf: CSRF, basePath: BASE });
    expectSound(html);
    expect(html).toContain('You can read cases; only the DPO team can act on them.');
    expect(html).not.toContain('name="action"');
    expect(postForms(html)).toHaveLength(1); // sign out
  });

  it('refills the failing action’s form, opens it, and links the error summary to its fields', () => {
    const view = aView(hostileCase(), { actions: ['refuse', 'extend', 'reply'] as CaseView['actions'] });
    const errors = { ground: 'Choose the ground.', reasons: 'Enter the reasons.', action: 'Something else.' };
    const html = casePage({ view, staff: dpo, csrf: CSRF, basePath: BASE, errors, values: { action: 'refuse', reasons: `   ${EVIL}`, ground: 'bogus' } });
    expectSound(html);
    expect(html).toContain('<title>Error: Case RD-ABC234 - Rightsdesk</title>');
    expect(summaryTargets(html)).toEqual(['refuse-ground-manifestly-unfounded', 'refuse-reasons']);
    expect(html).toContain('<li>Something else.</li>');
    expect(html).toContain('<details class="action" id="action-refuse" open>');
    expect(html).toContain('<details class="action" id="action-extend">');
    expect(html).toMatch(
      /<textarea id="refuse-reasons" name="reasons"[^>]*aria-describedby="refuse-reasons-error" aria-invalid="true"> {3}&lt;script&gt;/,
    );
    expect(html).toMatch(/<textarea id="extend-reasons" name="reasons"[^>]*><\/textarea>/);
    expect(html).toContain('id="refuse-reasons-error"');
  });

  it('lists the errors as text when the failing action is no longer allowed', () => {
    const view = aView(hostileCase(), { actions: ['reply'] as CaseView['actions'] });
    const html = casePage({ view, staff: dpo, csrf: CSRF, basePath: BASE, errors: { reasons: 'Enter the reasons.' }, values: { action: 'extend' } });
    expectSound(html);
    expect(summaryTargets(html)).toEqual([]);
    expect(html).toContain('<li>Enter the reasons.</li>');
    expect(html).not.toContain('id="action-extend"');
  });

  it('lists correspondence: unverified mail marked, letters to post with a print link and a mark-as-posted form, and a mark-read form', () => {
    const c = hostileCase({ flags: ['new-correspondence'] });
    const correspondence: CaseView['correspondence'] = [
      { direction: 'in', at: '2026-11-10T08:00:00.000Z', sesMessageId: 'msg/1+a', fromRequester: false, attachments: 2, joined: 'reply' },
      {
        direction: 'out',
        at: '2026-11-05T08:00:00.000Z',
        id: 'letter:extension:4',
        kind: 'letter',
        title: 'We need more time',
        to: 'requester',
        state: 'post',
      },
      {
        direction: 'out',
        at: '2026-11-02T10:00:00.000Z',
        id: 'ack:x',
        kind: 'acknowledgement',
        title: 'acknowledgement',
        to: 'requester',
        state: 'sent',
        sentAt: '2026-11-02T10:00:05.000Z',
      },
      { direction: 'in', at: '2026-11-02T09:59:00.000Z', sesMessageId: 'm0', fromRequester: true, attachments: 0, joined: 'request' },
    ];
    const html = casePage({ view: aView(c, { correspondence }), staff: dpo, csrf: CSRF, basePath: BASE });
    expectSound(html);
    expect(html).toContain('Unverified correspondence — not from the requester’s address.');
    expect(html).toContain('2 attachments');
    expect(html).toContain('href="/prod/desk/cases/RD-ABC234/messages/msg%2F1%2Ba"');
    expect(html).toContain('href="/prod/desk/cases/RD-ABC234/letters/letter%3Aextension%3A4">Print letter');
    const markPosted = postForms(html).find((f) => f.includes('value="mark-posted"'));
    expect(markPosted).toContain('<input type="hidden" name="letter" value="letter:extension:4">');
    expect(postForms(html).some((f) => f.includes('value="mark-read"'))).toBe(true);
    expect(html).toContain('From the requester.');
    expect(html).toMatch(/Sent <time datetime="2026-11-02T10:00:05.000Z">/);

    const asViewer = casePage({ view: aView(c, { correspondence }), staff: viewer, csrf: CSRF, basePath: BASE });
    expect(asViewer).toContain('Print letter');
    expect(asViewer).not.toContain('mark-posted');
    expect(asViewer).not.toContain('mark-read');
  });

  it('shows the outcome of a closed case', () => {
    const c = hostileCase({ status: 'closed', outcome: 'refused', outcomeReasons: `manifestly excessive ${EVIL}`, closedAt: '2026-11-30T16:00:00.000Z' });
    const html = casePage({ view: aView(c, { workingDaysLeft: null }), staff: dpo, csrf: CSRF, basePath: BASE });
    expectSound(html);
    expect(html).toContain('<dt>Outcome</dt><dd>Refused on Mon 30 Nov 2026, 16:00</dd>');
    expect(html).toContain('manifestly excessive &lt;script&gt;');
    expect(html).toContain('No actions are open on this case now.');
  });
});

describe('the new-case page', () => {
  it('posts exactly the staff-entry fields, with the entry id and the token', () => {
    const html = newCasePage({ staff: dpo, csrf: CSRF, basePath: BASE, entryId: 'c-01J0000000' });
    expectSound(html);
    const [form] = postForms(html).filter((f) => f.includes('action="/prod/desk/cases"'));
    expect(form).toBeDefined();
    expect(new Set(namesIn(form!))).toEqual(new Set([...Object.keys(staffEntrySchema.shape), '_csrf']));
    expect(form).toContain('<input type="hidden" name="entryId" value="c-01J0000000">');
    expect(form).toContain('<input type="date" id="receivedOn" name="receivedOn"');
    expect(form).toContain('not today’s date if later — the clock starts then');
    for (const ch of ['phone', 'post', 'in-person', 'email']) expect(form).toContain(`id="channel-${ch}" name="channel" value="${ch}"`);
    expect(form).toContain('<option value="">Not known</option>');
    expect(html).toMatch(/<fieldset[^>]*>\s*<legend>How was the request made\?<\/legend>/);
  });

  it('shows errors in a summary linking to each field, and the values typed, escaped', () => {
    const errors = {
      channel: 'Choose how the request was made.',
      rights: 'Choose at least one right.',
      email: 'Enter an email address or a postal address to reply to.',
      receivedOn: 'Enter the date.',
    };
    const values = { fullName: EVIL, details: EVIL, relationship: 'customer', rights: ['erasure'], channel: 'nonsense' };
    const html = newCasePage({ staff: dpo, csrf: CSRF, basePath: BASE, entryId: 'c-1', errors, values });
    expectSound(html);
    expect(summaryTargets(html)).toEqual(['channel-phone', 'receivedOn', 'rights-access', 'email']);
    expect(html).toContain('value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"');
    expect(html).toContain('<option value="customer" selected>');
    expect(html).toMatch(/id="rights-erasure" name="rights" value="erasure"[^>]*checked/);
    expect(html).toContain('<title>Error: Log a request - Rightsdesk</title>');
  });
});

describe('the letter to print', () => {
  const entry = (params: OutboxEntry['params'], kind: OutboxEntry['kind'] = 'letter'): OutboxEntry => ({
    id: 'letter:extension:3',
    kind,
    to: 'requester',
    state: 'post',
    createdAt: '2026-11-05T10:00:00.000Z',
    attempts: 0,
    failures: 0,
    nextAttemptAt: '2026-11-05T10:00:00.000Z',
    ...(params ? { params } : {}),
  });

  it('is addressed to the requester’s postal address, dated, with the letter’s text, printable, with no desk chrome', () => {
    const c = hostileCase({
      requester: { fullName: `Mallory ${EVIL}`, email: '', postalAddress: `1 High St\n${EVIL}\nMalvern WR14 1AA` },
      dueOn: '2027-02-02',
    });
    const html = letterPage({ c, entry: entry({ letter: 'extension', reasons: `Many systems ${EVIL}` }), dpoAddress: 'dpo@icetrak.net', basePath: BASE });
    expectSound(html);
    expect(html).toContain('Icetrak Ltd, Malvern, UK');
    expect(html).toContain('Thursday 5 November 2026');
    expect(html).toContain('<br>1 High St<br>&lt;script&gt;');
    expect(html).toContain('<h1>We need more time to answer your request</h1>');
    expect(html).toContain('Many systems &lt;script&gt;');
    expect(html).toContain('Dear Mallory &lt;script&gt;');
    expect(html).toContain('@media print');
    expect(html).not.toContain('Rightsdesk — DPO desk');
    expect(html).toContain('href="/prod/desk/cases/RD-ABC234"');
  });

  it('prints a postal acknowledgement, and says so when the mail has no printed form', () => {
    const c = hostileCase({ requester: { fullName: 'Pat', email: '', postalAddress: '2 Low Rd' } });
    expect(letterPage({ c, entry: entry(undefined, 'acknowledgement'), dpoAddress: 'dpo@icetrak.net', basePath: BASE })).toContain('Dear Pat');
    const none = letterPage({ c, entry: entry(undefined, 'team-notice'), dpoAddress: 'dpo@icetrak.net', basePath: BASE });
    expectSound(none);
    expect(none).toContain('This mail has no printed form.');
  });
});

describe('one inbound email', () => {
  const message: DeskMessage = {
    from: `"Eve" <eve@evil.example>`,
    subject: `Re: [RD-ABC234] ${EVIL}`,
    date: '2026-11-10T08:00:00.000Z',
    text: `Hello\n${EVIL}\n<img src=x onerror=alert(1)>`,
    attachments: [
      { n: 1, filename: `passport ${EVIL}.pdf`, contentType: 'application/pdf', size: 204_800, key: 'k1' },
      { n: 2, filename: '', contentType: 'image/png', size: 512, key: 'k2' },
    ],
  };

  it('shows the email escaped, its attachments with download links, and marks mail not from the requester', () => {
    const html = messagePage({ c: hostileCase(), message, sesMessageId: 'msg/1', fromRequester: false, staff: dpo, csrf: CSRF, basePath: BASE });
    expectSound(html);
    expect(html).toContain('Unverified correspondence — not from the requester’s address.');
    expect(html).toContain('&quot;Eve&quot; &lt;eve@evil.example&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).toContain('href="/prod/desk/cases/RD-ABC234/messages/msg%2F1/attachments/1" download>passport &lt;script&gt;');
    expect(html).toContain('200 KB');
    expect(html).toContain('>Attachment 2</a> (image/png, 512 bytes)');
  });

  it('does not mark mail from the requester', () => {
    const html = messagePage({ c: hostileCase(), message, sesMessageId: 'm', fromRequester: true, staff: viewer, csrf: CSRF, basePath: BASE });
    expect(html).not.toContain('Unverified');
  });
});

describe('the signed-out and error pages', () => {
  it('render without staff, and escape the message', () => {
    const out = signedOutPage({ basePath: BASE });
    expectSound(out);
    expect(out).toContain('href="/prod/desk"');
    const err = deskErrorPage({ status: 404, message: `No case ${EVIL}`, basePath: BASE });
    expectSound(err);
    expect(err).toContain('<h1>Page not found</h1>');
    expect(err).toContain('No case &lt;script&gt;');
    expect(deskErrorPage({ status: 503, message: 'x', basePath: BASE })).toContain('Sorry, there is a problem with the desk');
  });
});
