/**
 * The case page's "Search of Icetrak's systems" section (issue 14): the latest run's result per
 * register system (status, the identifiers searched by, how many records, or why it failed), the
 * customers whose message traffic matched — processor data, to be forwarded to those customers,
 * never disclosed as Icetrak's — and a form to run the search (again) with extra identifiers.
 * Every value is escaped by `h`; the form posts the `search` action of shared/cases/act.ts.
 */
import type { Case } from '#domain/case';
import { canAct, type Staff } from '#shared/auth/staff';
import { h, type RawHtml } from '#http/html';
import { MANUAL_UPLOAD_MAX_BYTES, MANUAL_UPLOAD_TYPES, markSince, type RecordMarks, type SourceSearch, type SourceSearchStatus } from '#domain/search';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { isOpen } from '#domain/lifecycle';
import { canSearch } from '#domain/fulfilment-actions';
import { forwardTargets, forwardsOf, notYetForwarded } from '#domain/forwarding';
import { mailEntry } from '#domain/outbox';
import type { ReviewedRecord, SourceRecords } from '#shared/fulfilment/search-records';
import { textField, type FormState } from './desk-forms';
import { csrfInput, timeOf } from './desk-layout';

const STATUS_TEXT: Record<SourceSearchStatus, string> = {
  running: 'Searching…',
  done: 'Searched',
  failed: 'Failed',
  'awaiting-staff': 'To search by hand',
  'not-searched': 'Not searched: no identifier it can be searched by',
};

/** The file input's accept list: the upload's content types and their usual extensions. */
const UPLOAD_ACCEPT = [
  ...MANUAL_UPLOAD_TYPES,
  '.pdf',
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.webp',
  '.tif',
  '.tiff',
  '.txt',
  '.csv',
  '.doc',
  '.docx',
  '.xls',
  '.xlsx',
  '.odt',
  '.ods',
].join(',');

const KIND_TEXT: Record<string, string> = { email: 'email', phone: 'phone', accountId: 'account' };

/** The form a member of staff records a manual source's search with: found (and what), or nothing. */
function manualForm(c: Case, s: SourceSearch, csrf: string, basePath: string): RawHtml {
  return h`<form method="post" action="${basePath}/desk/cases/${encodeURIComponent(c.reference)}/actions" enctype="multipart/form-data" novalidate>
<input type="hidden" name="action" value="record-manual-search">
<input type="hidden" name="source" value="${s.source}">
${csrfInput(csrf)}
<fieldset><legend>What did the search by hand find?</legend>
<label><input type="radio" name="outcome" value="nothing-found" checked> Nothing about this person</label>
<label><input type="radio" name="outcome" value="found"> Something: describe it below</label>
</fieldset>
<label for="manual-${s.source}-note">What was found, and where (goes into the answer unless marked as another person’s data)</label>
<textarea id="manual-${s.source}-note" name="note" rows="3" maxlength="10000"></textarea>
<label for="manual-${s.source}-file">Upload what was found (optional)</label>
<p class="hint" id="manual-${s.source}-file-hint">One file of at most ${MANUAL_UPLOAD_MAX_BYTES / 1024} KB: PDF, image (PNG, JPEG, GIF, WebP, TIFF), text, CSV, Word, Excel or OpenDocument. It goes into the answer under this system’s folder, unless marked as another person’s data.</p>
<input type="file" id="manual-${s.source}-file" name="file" aria-describedby="manual-${s.source}-file-hint" accept="${UPLOAD_ACCEPT}">
<button type="submit" class="secondary">Record the search</button>
</form>`;
}

/** One record found, its summary, and (for the DPO team, on an open case) the form that marks or unmarks it as another person's data. */
function recordItem(r: ReviewedRecord, act?: { c: Case; csrf: string; basePath: string }): RawHtml {
  const form = act
    ? h`<form class="inline-form" method="post" action="${act.basePath}/desk/cases/${encodeURIComponent(act.c.reference)}/actions">
<input type="hidden" name="action" value="mark-third-party">
<input type="hidden" name="records" value="${r.id}">
<input type="hidden" name="thirdParty" value="${r.thirdParty ? 'false' : 'true'}">
${csrfInput(act.csrf)}
<button type="submit" class="secondary">${r.thirdParty ? 'Unmark: it is the requester’s' : 'Mark as another person’s data'}<span class="visually-hidden"> (${r.id})</span></button>
</form>`
    : '';
  return h`<li data-record="${r.id}"${r.thirdParty ? h` data-third-party` : ''}${r.marks.restrictedAt ? h` data-restricted` : ''}><code>${r.id}</code> ${
    r.summary
  }${marksOf(r.marks)}${r.thirdParty ? h` <strong class="tag">Another person’s data: left out of the answer</strong>` : ''} ${form}</li>`;
}

/** "Restricted since 10 April 2025" / "Marketing stopped since …": the marks an earlier plan set, which the account system honours. */
function marksOf(m: RecordMarks): RawHtml | '' {
  const tags = [
    ...(m.restrictedAt === undefined ? [] : [`Restricted since ${markSince(m.restrictedAt)}`]),
    ...(m.marketingStoppedAt === undefined ? [] : [`Marketing stopped since ${markSince(m.marketingStoppedAt)}`]),
  ];
  return tags.length ? h`${tags.map((t) => h` <strong class="tag">${t}</strong>`)}` : '';
}

function recordsList(found: SourceRecords | undefined, act?: { c: Case; csrf: string; basePath: string }): RawHtml | '' {
  if (!found) return '';
  if (found.unreadable) return h`<p class="error">The records found could not be read back: run the search again.</p>`;
  if (found.records.length === 0) return '';
  const marked = found.records.filter((r) => r.thirdParty).length;
  return h`<details class="records"><summary>Records found${marked ? h` (${marked} marked as another person’s data)` : ''}</summary>
<p class="hint">Mark a record that is about someone else: it is left out of the answer (UK GDPR Art. 15(4)).</p>
<ul class="items">${found.records.map((r) => recordItem(r, act))}</ul>
${found.more ? h`<p>And ${found.more} more, not shown here; the answer holds them all.</p>` : ''}
</details>`;
}

function sourceRow(s: SourceSearch, act?: { c: Case; csrf: string; basePath: string }, found?: SourceRecords): RawHtml {
  const system = ICETRAK_REGISTER.systems.find((x) => x.id === s.source);
  const result =
    s.status === 'done'
      ? h`${s.recordCount ?? 0} record${s.recordCount === 1 ? '' : 's'}${s.finishedAt ? h`, ${timeOf(s.finishedAt)}` : ''}`
      : s.status === 'failed'
        ? h`<span class="error">${s.failure ?? 'Failed'}</span>`
        : s.status === 'awaiting-staff' && system?.connector.kind === 'manual'
          ? h`${system.connector.instructions}${act ? manualForm(act.c, s, act.csrf, act.basePath) : ''}`
          : '';
  const byHand = s.manual
    ? h`<p>Searched by hand by ${s.manual.by.replace(/^staff:/, '')}, ${timeOf(s.manual.at)}: ${
        s.manual.outcome === 'found' ? h`found — ${s.manual.note ?? ''}${s.manual.fileKey ? ' (a file was uploaded)' : ''}` : 'nothing found'
      }.</p>`
    : '';
  const customers = s.customers?.length
    ? h`<p><strong>Processor data</strong>: message traffic of these customers matched. Icetrak holds it for them; forward the request to
each customer (their privacy contact) — do not disclose it as Icetrak’s.</p>
<ul>${s.customers.map((c) => h`<li>${c.name} (${c.accountId}): ${c.records} record${c.records === 1 ? '' : 's'}</li>`)}</ul>`
    : '';
  return h`<tr data-source="${s.source}">
<th scope="row">${system?.name ?? s.source}</th>
<td>${STATUS_TEXT[s.status]}</td>
<td>${s.identifiers.length ? h`<ul>${s.identifiers.map((i) => h`<li>${KIND_TEXT[i.kind] ?? i.kind}: ${i.value}</li>`)}</ul>` : '—'}</td>
<td>${result}${byHand}${customers}${recordsList(found, act)}</td>
</tr>`;
}

export function searchSection(opts: {
  c: Case;
  staff: Staff;
  csrf: string;
  basePath: string;
  /** The failed search form's fields and errors, when its post was refused. */
  failed?: { values: Record<string, unknown>; errors: Record<string, string> };
  /** The records found, by source (shared/fulfilment/search-records.ts), when the page's handler read them. */
  records?: Record<string, SourceRecords>;
}): RawHtml {
  const { c, staff, csrf, basePath } = opts;
  const s = c.search;
  const run = s
    ? h`<p>Run ${timeOf(s.startedAt)} by ${s.startedBy.replace(/^staff:/, '')} (register ${s.registerVersion})${
        s.finishedAt ? h`, finished ${timeOf(s.finishedAt)}` : h`, still running: reload the page`
      }.</p>
<table class="search">
<thead><tr><th scope="col">System</th><th scope="col">Status</th><th scope="col">Searched by</th><th scope="col">Found</th></tr></thead>
<tbody>${s.sources.map((x) => sourceRow(x, canAct(staff) && isOpen(c.status) ? { c, csrf, basePath } : undefined, opts.records?.[x.source]))}</tbody>
</table>`
    : h`<p>Icetrak’s systems have not been searched for this case yet.</p>`;
  const state: FormState = { prefix: 'search', values: opts.failed?.values ?? {}, errors: opts.failed?.errors ?? {} };
  const form =
    canAct(staff) && canSearch(c)
      ? h`<form method="post" action="${basePath}/desk/cases/${encodeURIComponent(c.reference)}/actions" novalidate id="action-search">
<input type="hidden" name="action" value="search">
${csrfInput(csrf)}
<p class="hint">The search uses the case’s own email address, phone number and account reference. Add others the person gave (separate several with commas).</p>
${textField({ name: 'emails', label: 'Other email addresses', state, type: 'text', maxLength: 2000 })}
${textField({ name: 'phones', label: 'Other phone or fax numbers', state, type: 'text', maxLength: 2000 })}
${textField({ name: 'accountIds', label: 'Account ids (ACC-1234)', state, type: 'text', maxLength: 2000 })}
<button type="submit">${s ? 'Run the search again' : 'Search Icetrak’s systems'}</button>
</form>`
      : '';
  return h`<h2 id="search">Search of Icetrak’s systems</h2>
${run}
${forwardsBlock(c, staff, csrf, basePath)}
${form}`;
}

/** How many customers the finished search matched that the request has not been forwarded to (0 when it cannot forward from the search). */
function forwardableCount(c: Case): number {
  try {
    return notYetForwarded(c, forwardTargets(c, ICETRAK_REGISTER)).length;
  } catch {
    return 0; // not finished, or nothing (or no contact) to forward to: the manual forward remains
  }
}

/**
 * The forwards to customers (issue 15): each customer the request went to, its privacy contact and
 * whether the email has gone; and, while the finished search has matched customers not yet
 * forwarded to, the one button that forwards to all of them (the `forward` action without fields).
 */
function forwardsBlock(c: Case, staff: Staff, csrf: string, basePath: string): RawHtml {
  const done = forwardsOf(c);
  const mailState = (id: string) => {
    const e = mailEntry(c, id);
    return e?.state === 'sent'
      ? h`sent ${timeOf(e.sentAt ?? e.createdAt)}`
      : e?.state === 'failed'
        ? h`<span class="error">not delivered</span>`
        : 'to be sent';
  };
  const list = done.length
    ? h`<h3>Forwarded to the customers</h3>
<ul class="forwards">${done.map((f) => h`<li data-account="${f.accountId}">${f.name} (${f.accountId}), ${f.contact}: ${mailState(f.mail)}; by ${f.by.replace(/^staff:/, '')}, ${timeOf(f.at)}</li>`)}</ul>`
    : '';
  const pending = forwardableCount(c);
  const button =
    pending > 0 && canAct(staff) && isOpen(c.status)
      ? h`<form method="post" action="${basePath}/desk/cases/${encodeURIComponent(c.reference)}/actions" id="action-forward-customers">
<input type="hidden" name="action" value="forward">
${csrfInput(csrf)}
<p class="hint">Sends the request to each customer’s privacy contact (what was asked, the phone numbers to search, our reference; the deadline is theirs) and tells the requester who they are. The case closes as forwarded unless Icetrak holds data of its own for it.</p>
<button type="submit">Forward to ${pending === 1 ? 'the customer' : `the ${pending} customers`} and tell the requester</button>
</form>`
      : '';
  return h`${list}${button}`;
}
