/**
 * The case page's Answer section (issue 14): the access or portability answer's state (prepared
 * when and by whom, records per source, what was left out, size; released when, the link's expiry,
 * downloads), the buttons to prepare it and to release it (the desk actions prepare-export and
 * release-export, as allowed now), and the link to download the prepared ZIP to review it
 * BEFORE it is released (GET /desk/cases/{reference}/export, audited). Every value is escaped by `h`.
 */
import type { Case } from '#domain/case';
import { EXPORT_KINDS, type CaseExport, type ExportKind } from '#domain/export';
import type { Register } from '#domain/register';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { h, type RawHtml } from '#http/html';
import { canAct, type Staff } from '#shared/auth/staff';
import type { CaseView } from '#shared/cases/case-view';
import { smallActionForm } from './desk-actions';
import { timeOf } from './desk-layout';
import { formatBytes } from './export-pages';

const KIND_TEXT: Record<ExportKind, string> = {
  access: 'Access (a copy of their data, with the Art. 15 cover letter)',
  portability: 'Portability (the data they provided, JSON and CSV)',
};
const PREPARE_BUTTON: Record<ExportKind, string> = { access: 'Prepare the access answer', portability: 'Prepare the portability answer' };

const row = (term: string, value: RawHtml | string): RawHtml => h`<dt>${term}</dt><dd>${value}</dd>`;
const plural = (n: number, one: string, many: string): string => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
const actor = (a: string): string => (a.startsWith('staff:') ? a.slice('staff:'.length) : a === 'requester' ? 'the requester' : a);

/** A source's name from the register, or its id when the register no longer lists it (an older export). */
const sourceName = (register: Register, id: string): string => register.systems.find((s) => s.id === id)?.name ?? id;

function summary(e: CaseExport, register: Register): RawHtml {
  const sources = Object.entries(e.recordsBySource);
  return h`<dl class="summary">
${row('Kind', KIND_TEXT[e.kind])}
${row('Prepared', h`${timeOf(e.preparedAt)} by ${actor(e.preparedBy)}, from search run ${e.runId} and register version ${e.registerVersion}`)}
${row(
  'Records included',
  sources.length
    ? h`<ul>${sources.map(([id, n]) => h`<li>${sourceName(register, id)}: ${plural(n, 'record', 'records')}</li>`)}</ul>`
    : 'None: the search found nothing to disclose',
)}
${row('Left out as third-party data', plural(e.redacted, 'record', 'records'))}
${row('Processor records withheld', h`${plural(e.processorRecordsWithheld, 'record', 'records')}${e.processorRecordsWithheld ? ' (held for Icetrak’s customers, who are their controllers: forwarded to them instead)' : ''}`)}
${row('Size', `${formatBytes(e.bytes)} ZIP file`)}
${row('Released', e.releasedAt ? h`${timeOf(e.releasedAt)}${e.releasedBy ? h` by ${actor(e.releasedBy)}` : ''}` : 'Not yet: the requester has been sent nothing')}
${e.linkExpiresAt ? row('Link works until', timeOf(e.linkExpiresAt)) : ''}
${e.releasedAt ? row('Downloads by the requester', h`${String(e.downloads)}${e.lastDownloadedAt ? h`, the last ${timeOf(e.lastDownloadedAt)}` : ''}`) : ''}
</dl>`;
}

/** `register`: where the sources' names come from (default: Icetrak's, the one the answers are built from). */
export function answerSection(opts: { view: CaseView; staff: Staff; csrf: string; basePath: string; register?: Register }): RawHtml {
  const { view, staff, csrf, basePath, register = ICETRAK_REGISTER } = opts;
  const c: Case = view.case;
  const e = c.export;
  const acts = canAct(staff);
  const can = (a: string) => acts && (view.actions as readonly string[]).includes(a);
  const ref = encodeURIComponent(c.reference);
  const kinds = EXPORT_KINDS.filter((k) => c.rights.includes(k));
  // A case that asks for neither (erasure, objection…) has no answer of this kind: no section.
  if (!e && kinds.length === 0) return h``;

  const prepare = can('prepare-export')
    ? h`<p class="hint">${e ? 'Preparing again builds a new ZIP from the latest search and replaces this one; a link already sent stops working.' : 'Builds the ZIP from the finished search for you to review. Nothing is sent to the requester until you release it.'}</p>
<div>${kinds.map((k) => smallActionForm({ action: 'prepare-export', reference: c.reference, csrf, basePath, button: e ? `${PREPARE_BUTTON[k]} again` : PREPARE_BUTTON[k], hidden: { kind: k } }))}</div>`
    : '';
  const review =
    e && acts
      ? h`<p><a href="${basePath}/desk/cases/${ref}/export" download>Download the ZIP to review it<span class="visually-hidden"> (case ${c.reference})</span></a> (recorded in the timeline).</p>`
      : '';
  const release = can('release-export')
    ? h`<p class="hint">Review the ZIP first. Releasing emails the requester a link to download it, valid for 7 days.</p>
<div>${smallActionForm({ action: 'release-export', reference: c.reference, csrf, basePath, button: 'Release the answer to the requester' })}</div>`
    : '';
  const none =
    c.status === 'closed'
      ? 'No answer was prepared on this case.'
      : kinds.length === 0
        ? 'This case does not ask for access or portability.'
        : 'No answer has been prepared. It can be prepared once the search of Icetrak’s systems has finished.';

  return h`<h2 id="answer">Answer</h2>
${e ? summary(e, register) : can('prepare-export') ? '' : h`<p>${none}</p>`}
${review}
${release}
${prepare}`;
}
