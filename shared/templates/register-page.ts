/**
 * The desk's processing register page (issue 14; UK GDPR Art. 30): every system of Icetrak's
 * register with all its fields, the recipients, and which values are Icetrak's own defaults rather
 * than the privacy notice's words. Read only: the register is configuration in the repository
 * (shared/fulfilment/icetrak-register.ts), changed by a reviewed commit. Every value goes through `h`.
 */
import type { Staff } from '#shared/auth/staff';
import type { Connector, Recipient, RecipientField, Register, RegisterRetention, RegisterSystem, SystemField } from '#domain/register';
import { ICETRAK_ACCOUNT_RETENTION_YEARS, RETENTION } from '#domain/retention';
import { h, type RawHtml } from '#http/html';
import { deskLayout } from './desk-layout';

/** How a retention rule of the register reads (the retention schedule, docs/retention.md). */
export const REGISTER_RETENTION_TEXT: Record<RegisterRetention, string> = {
  'account-7y': `${ICETRAK_ACCOUNT_RETENTION_YEARS} years after the customer account closes (customer-account and billing records)`,
  'rightsdesk-case': `${RETENTION.caseYears} years after the case closes (Rightsdesk’s case records)`,
  processor: 'As the business customer (the controller) instructs: Icetrak holds these data as its processor',
};

const ROLE_TEXT = { controller: 'Controller (Icetrak’s own purposes)', processor: 'Processor (for a business customer, the controller)' } as const;
const IDENTIFIER_TEXT = { email: 'email address', phone: 'phone or fax number', accountId: 'customer account id' } as const;

/** The words a page and its readers use for the default marker. */
export const DEFAULT_TAG = 'Icetrak’s default, not the privacy notice’s words';

const tag = (isDefault: boolean): RawHtml | '' => (isDefault ? h` <span class="tag" data-default>${DEFAULT_TAG}</span>` : '');
const listOf = (xs: readonly string[]): RawHtml => (xs.length ? h`<ul>${xs.map((x) => h`<li>${x}</li>`)}</ul>` : h`None`);

function connectorText(c: Connector): RawHtml {
  switch (c.kind) {
    case 'sql':
      return h`SQL database (Icetrak’s account system, read-only queries): ${listOf(c.queries.map((q) => `${q.name} — ${q.recordType} by ${IDENTIFIER_TEXT[q.identifiedBy]}`))}`;
    case 'traffic':
      return h`Message traffic search (Athena over the traffic records in S3; searched by recipient number)`;
    case 'rightsdesk':
      return h`Rightsdesk’s own records (earlier cases and correspondence)`;
    case 'manual':
      return h`Searched by hand: a task on the case. ${c.instructions}`;
    case 'none':
      return h`Not searched (a recipient Rightsdesk cannot query)`;
  }
}

function systemSection(s: RegisterSystem, register: Register): RawHtml {
  const d = (field: SystemField) => tag(s.defaults.includes(field));
  const recipients = register.recipients.filter((r) => s.recipients.includes(r.id)).map((r) => r.name);
  return h`<section aria-labelledby="system-${s.id}" data-system="${s.id}">
<h2 id="system-${s.id}">${s.name}${d('name')}</h2>
<dl class="list">
<dt>What it is</dt><dd>${s.description}${d('description')}</dd>
<dt>Icetrak’s role</dt><dd>${ROLE_TEXT[s.role]}${d('role')}</dd>
<dt>What it holds</dt><dd>${listOf(s.categories)}${d('categories')}</dd>
<dt>Purposes</dt><dd>${listOf(s.purposes)}${d('purposes')}</dd>
<dt>Lawful basis</dt><dd>${s.lawfulBasis}${d('lawfulBasis')}</dd>
<dt>Source of the data</dt><dd>${s.source}${d('source')}</dd>
<dt>Recipients</dt><dd>${recipients.length ? recipients.join(', ') : 'None outside Icetrak'}${d('recipients')}</dd>
<dt>Kept for</dt><dd>${REGISTER_RETENTION_TEXT[s.retention]}${d('retention')}</dd>
<dt>Stored</dt><dd>${s.storage}${d('storage')}</dd>
<dt>Transfers outside the UK</dt><dd>${s.transfers ?? 'None'}${d('transfers')}</dd>
<dt>Automated decisions</dt><dd>${s.automatedDecisions ?? 'None'}${d('automatedDecisions')}</dd>
<dt>Purposes a person may object to</dt><dd>${s.objections?.length ? listOf(s.objections.map((o) => `${o.description}${o.absolute ? ' (an objection is always upheld)' : ''}`)) : 'None listed'}${d('objections')}</dd>
<dt>A person is found by</dt><dd>${s.identifiedBy.length ? s.identifiedBy.map((k) => IDENTIFIER_TEXT[k]).join(', ') : 'Nothing: not searched'}</dd>
<dt>Connector</dt><dd data-connector="${s.connector.kind}">${connectorText(s.connector)}</dd>
<dt>System id</dt><dd><code>${s.id}</code></dd>
</dl>
</section>`;
}

function recipientRow(r: Recipient): RawHtml {
  const d = (field: RecipientField) => tag(r.defaults.includes(field));
  return h`<tr data-recipient="${r.id}">
<th scope="row">${r.name}${d('name')}</th>
<td>${r.receives}${d('receives')}</td>
<td>${r.purpose}${d('purpose')}</td>
<td>${r.location}${d('location')}</td>
<td>${r.noticeApi ? h`by its API: <code>${r.noticeApi.url}</code> (token in ${r.noticeApi.tokenSecret})` : (r.noticeEmail ?? '—')}${d('noticeEmail')}</td>
</tr>`;
}

export function registerPage(opts: { register: Register; staff: Staff; csrf: string; basePath: string }): string {
  const { register: r } = opts;
  const body = h`<h1>Processing register</h1>
<p>Version <strong>${r.version}</strong>. Controller: ${r.controller.name}, ${r.controller.address} (company ${r.controller.companyNumber}); data protection officer ${r.controller.dpoEmail}.</p>
<p class="hint">The systems Rightsdesk searches for a request and builds the Art. 15 answer from. Values marked “${DEFAULT_TAG}” fill lists the published privacy notice leaves empty; the DPO confirms or corrects them in the repository (<code>shared/fulfilment/icetrak-register.ts</code>), which changes the version. The same register as JSON: <code>GET /api/register</code>.</p>
<p>Systems: ${r.systems.map((s, i) => h`${i ? ', ' : ''}<a href="#system-${s.id}">${s.name}</a>`)}.</p>
${r.systems.map((s) => systemSection(s, r))}
<h2 id="recipients">Recipients</h2>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Recipient</th><th scope="col">Receives</th><th scope="col">Why</th><th scope="col">Where it stores the data</th><th scope="col">Notices to</th></tr></thead>
<tbody>${r.recipients.map(recipientRow)}</tbody>
</table></div>`;
  return deskLayout({ title: 'Processing register', staff: opts.staff, csrf: opts.csrf, basePath: opts.basePath, body, registerCurrent: true });
}
