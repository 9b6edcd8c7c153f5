/**
 * The readable files of an answer (issue 14): index.html, a readable copy of every disclosed
 * record (per source, a table per record type), and cover-letter.html, the supplementary
 * information of UK GDPR Art. 15 built from the register entries of the sources where data was
 * found (LAW.md, What an access response contains).
 *
 * Standalone like the compliance report: opened from a ZIP on the requester's own computer, so
 * inline CSS only, no scripts, nothing loaded from anywhere, and every value escaped by `h`.
 */
import { formatLongDate, type IsoDate } from '#domain/calendar';
import { recordMarks, type FieldValue } from '#domain/search';
import type { RegisterSystem } from '#domain/register';
import { recipientsOf } from '#domain/register';
import { RETENTION } from '#domain/retention';
import { h, raw, type RawHtml } from '#http/html';
import { ACCOUNT_RETENTION_YEARS, byRecordType, fieldNames, type AccountRetention, type Answer } from './answer';

const CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.45;color:#0b0c0c;background:#fff}
header{background:#0b0c0c;color:#fff;padding:16px 24px}header p{margin:0;font-weight:bold;font-size:18px}
main{max-width:980px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:30px;line-height:1.2;margin:8px 0 16px}
h2{font-size:22px;margin:36px 0 12px;padding-top:8px;border-top:2px solid #0b0c0c}
h3{font-size:18px;margin:24px 0 8px}
.meta{color:#505a5f}
.notice{border-left:6px solid #1d70b8;background:#f3f2f1;padding:8px 16px}
table{border-collapse:collapse;width:100%;margin:8px 0 24px;font-size:14px}
caption{text-align:left;font-weight:bold;font-size:16px;padding:0 0 6px}
th,td{text-align:left;padding:6px 8px 6px 0;border-bottom:1px solid #b1b4b6;vertical-align:top;overflow-wrap:anywhere}
thead th{border-bottom:2px solid #0b0c0c}
dl{margin:0 0 16px}dt{font-weight:bold;margin-top:8px}dd{margin:0 0 0 16px}
a{color:#1d70b8}
@media print{header{background:#fff;color:#0b0c0c;border-bottom:2px solid #0b0c0c}h2{break-after:avoid}}
`;

function documentHtml(title: string, body: RawHtml, controller: string): string {
  return h`<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${raw(CSS)}</style>
</head>
<body>
<header><p>${controller}</p></header>
<main>
${body}
</main>
</body>
</html>
`.value;
}

/** `2030-06-30` → `30 June 2030`. */
export const formatDate = (d: IsoDate): string => formatLongDate(d).replace(/^\S+ /, '');

/** `account_closed_on` → `Account closed on`. */
export const fieldLabel = (name: string): string => {
  const words = name.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function cell(v: FieldValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** index.html: the records, readable. `files`: the ZIP's machine-readable files, to point at. */
export function indexHtml(a: Answer, files: readonly string[]): string {
  const org = a.register.controller.name;
  const portable = a.kind === 'portability';
  const title = portable ? `Data you provided to ${org} (${a.reference})` : `Your personal data held by ${org} (${a.reference})`;
  const total = a.sources.reduce((n, s) => n + s.records.length, 0);
  const intro = portable
    ? h`<p class="notice">Portable copy (UK GDPR Article 20): the data you provided to us, or that records your own use of our service, in machine-readable files you can give to another organisation. The same records are in the <strong>portable</strong> folder as JSON and CSV.</p>`
    : h`<p>A readable copy of the personal data we hold about you. The same records are in <strong>data.json</strong> and in one CSV file per source. Our letter (<strong>cover-letter.html</strong>) explains why we hold them and your rights.</p>`;
  const sections = a.sources.map((s) => {
    const groups = [...byRecordType(s.records)].map(([type, records]) => {
      const fields = fieldNames(records);
      return h`<table>
<caption>${fieldLabel(type)} (${plural(records.length, 'record')})</caption>
<thead><tr>${fields.map((f) => h`<th scope="col">${fieldLabel(f)}</th>`)}</tr></thead>
<tbody>
${records.map((r) => h`<tr>${fields.map((f) => h`<td>${cell(r.fields[f])}</td>`)}</tr>\n`)}</tbody>
</table>
`;
    });
    return h`<h2>${s.system.name}</h2>
<p>${s.system.description}</p>
<p class="meta">Searched ${formatDate(s.searchedAt.slice(0, 10))}; ${plural(s.records.length, 'record')}.</p>
${groups}`;
  });
  const none = a.sources.length
    ? ''
    : h`<p>${portable ? 'We found no data you provided to us that we hold electronically.' : 'We found no personal data about you in our systems.'}</p>`;
  const body = h`<h1>${title}</h1>
<p class="meta">Request ${a.reference}, prepared on ${formatDate(a.today)}. ${plural(total, 'record')} from ${plural(a.sources.length, 'source')}.</p>
${intro}
${none}
${sections}
<h2>Files in this download</h2>
<ul>
${files.map((f) => h`<li>${f}</li>\n`)}</ul>
`;
  return documentHtml(title, body, org);
}

const ICO = {
  name: 'Information Commissioner’s Office (ICO)',
  web: 'ico.org.uk/make-a-complaint',
  phone: '0303 123 1113',
  post: 'Information Commissioner’s Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF',
} as const;

const list = (items: readonly (string | RawHtml)[]): RawHtml => h`<ul>
${items.map((i) => h`<li>${i}</li>\n`)}</ul>`;

/** The retention rule of a register entry, in the requester's words, with this person's accounts' dates. */
function retentionText(system: RegisterSystem, all: readonly AccountRetention[]): RawHtml {
  const accounts = all.filter((acc) => acc.systems.includes(system.id));
  switch (system.retention) {
    case 'account-7y': {
      const lines = accounts.map((acc) => {
        const name = acc.name ? `${acc.name} (${acc.accountId})` : acc.accountId;
        return acc.keptUntil && acc.closedOn
          ? h`${name}: the account closed on ${formatDate(acc.closedOn)}, so its records are kept until ${formatDate(acc.keptUntil)}.`
          : h`${name}: the account is open, so its records are kept until ${ACCOUNT_RETENTION_YEARS} years after the account closes.`;
      });
      return h`<p>Customer-account and billing records are kept for ${ACCOUNT_RETENTION_YEARS} years after the account closes (accounting and legal claims), then deleted unless a legal hold applies.</p>
${lines.length ? list(lines) : ''}`;
    }
    case 'rightsdesk-case':
      return h`<p>Records of data protection requests are kept for ${RETENTION.caseYears} years after the request is closed (the time limit for legal claims), then deleted unless a legal hold applies.</p>`;
    case 'processor':
      return h`<p>Kept as the business customer that sent the messages instructs.</p>`;
  }
}

function perSource(a: Answer, fn: (s: RegisterSystem) => RawHtml | string): RawHtml {
  return h`<dl>
${a.sources.map((s) => h`<dt>${s.system.name}</dt><dd>${fn(s.system)}</dd>\n`)}</dl>`;
}

/**
 * What the marks in the records mean (restricted_at, marketing_opt_out_at), said only when a
 * disclosed record carries one: the files show the columns, the letter says what they mean.
 */
function marksText(a: Answer): RawHtml | '' {
  const marks = a.sources.flatMap((s) => s.records.map(recordMarks));
  const restricted = marks.filter((m) => m.restrictedAt !== undefined).length;
  const stopped = marks.filter((m) => m.marketingStoppedAt !== undefined).length;
  if (!restricted && !stopped) return '';
  return h`<h2>Restrictions and objections in force</h2>
${
  restricted
    ? h`<p>${plural(restricted, 'record')} ${restricted === 1 ? 'is' : 'are'} restricted (the date is in the column <strong>restricted_at</strong>): we only store ${restricted === 1 ? 'it' : 'them'}, and use ${restricted === 1 ? 'it' : 'them'} for nothing else without your consent, except for legal claims or to protect another person’s rights (UK GDPR Article 18). We will tell you before a restriction is lifted.</p>`
    : ''
}${
    stopped
      ? h`<p>Your objection to direct marketing is recorded on ${plural(stopped, 'record')} (the date is in the column <strong>marketing_opt_out_at</strong>): we send you no marketing (Article 21(3)).</p>`
      : ''
  }`;
}

/** cover-letter.html: the Art. 15 information for the sources where data was found, and the rest of the answer. */
export function coverLetterHtml(a: Answer, opts: { files: readonly string[] }): string {
  const c = a.register.controller;
  const portable = a.kind === 'portability';
  const title = `Our answer to your request ${a.reference}`;
  const systems = a.sources.map((s) => s.system);
  const recipients = recipientsOf(
    a.register,
    systems.map((s) => s.id),
  );
  const automated = systems.filter((s) => s.automatedDecisions);
  const transfers = systems.filter((s) => s.transfers);

  const what = portable
    ? h`<p>You asked for the data you provided to us in a portable form (UK GDPR Article 20). The <strong>portable</strong> folder holds it as JSON and CSV files, one of each per source; <strong>index.html</strong> shows the same records as tables. It covers what you gave us (such as your account and contact details) and the records of your own use of our service.${a.notProvided ? h` We left out ${plural(a.notProvided, 'record')} you did not provide (for example invoices we issued); you can ask for a copy of those under your right of access.` : ''}</p>`
    : h`<p>You asked for a copy of the personal data we hold about you (UK GDPR Article 15). This download holds every record we found: <strong>data.json</strong> and one CSV file per source are machine-readable; <strong>index.html</strong> shows the same records as tables.</p>`;

  const found = a.sources.length
    ? list(a.sources.map((s) => `${s.system.name}: ${plural(s.records.length, 'record')}`))
    : h`<p>${a.processor.records ? 'Apart from the message records below, which we hold for business customers, we' : 'We'} found no personal data about you${portable ? ' that you provided to us' : ''} in our systems.</p>`;

  const withheld = a.redacted
    ? h`<h2>What we left out</h2>
<p>We left out ${plural(a.redacted, 'record')} because ${a.redacted === 1 ? 'it holds' : 'they hold'} information about other people, which the law does not allow us to disclose without their consent (UK GDPR Article 15(4)).</p>`
    : '';

  const processor = a.processor.records
    ? h`<h2>Message records held for business customers</h2>
<p>We also found ${plural(a.processor.records, 'message record')} (${a.processor.systems.map((s) => s.name.toLowerCase()).join(', ')}) about messages that Icetrak’s business customers sent to you. For those records Icetrak acts only as a processor on the customer’s instructions: the customer who sent each message is the controller and decides how its records are used. So they are not part of this answer. We have passed your request to ${a.processor.customers.length === 1 ? 'that customer' : 'those customers'}, and you can also contact ${a.processor.customers.length === 1 ? 'it' : 'them'} directly:</p>
${list(a.processor.customers.map((x) => `${x.name} (${plural(x.records, 'message record')})`))}`
    : '';

  const body = h`<h1>${title}</h1>
<p class="meta">${formatDate(a.today)}. Reference ${a.reference}.</p>
<p>${a.requesterName ? `Dear ${a.requesterName},` : 'Hello,'}</p>
${what}
<h2>What we found</h2>
${found}
${withheld}
${marksText(a)}
${processor}
${
  a.sources.length
    ? h`<h2>Why we use your data (purposes)</h2>
${perSource(a, (s) => list(s.purposes))}
<h3>Our lawful basis</h3>
${perSource(a, (s) => s.lawfulBasis)}
<h2>What kinds of data we hold (categories)</h2>
${perSource(a, (s) => list(s.categories))}
<h2>Who receives your data (recipients)</h2>
${
  recipients.length
    ? list(recipients.map((r) => h`<strong>${r.name}</strong> receives ${r.receives}, for ${r.purpose}. It stores them in ${r.location}.`))
    : h`<p>No one outside Icetrak receives the data we found.</p>`
}
<p>We do not sell your data or give it to anyone else, unless the law requires us to (for example a court order).</p>
<h2>How long we keep your data (retention)</h2>
${perSource(a, (s) => retentionText(s, a.accounts))}
<h2>Where your data came from (source)</h2>
<p>Where the data was not collected from you, it came from:</p>
${perSource(a, (s) => `${s.source.charAt(0).toUpperCase()}${s.source.slice(1)}.`)}
<h2>Automated decision-making</h2>
${
  automated.length
    ? list(automated.map((s) => `${s.name}: ${s.automatedDecisions ?? ''}`))
    : h`<p>We make no decisions about you by automated means alone, and we do not profile you (UK GDPR Article 22).</p>`
}
<h2>Where your data is stored</h2>
${perSource(a, (s) => s.storage)}
${transfers.length ? list(transfers.map((s) => `${s.name}: ${s.transfers ?? ''}`)) : h`<p>All of it is stored in the UK. We do not transfer it outside the UK.</p>`}`
    : ''
}
<h2>Your rights</h2>
<p>You have the right to ask us to:</p>
${list([
  'correct data that is wrong or incomplete (rectification, Article 16);',
  'delete your data (erasure, Article 17), unless the law requires us to keep it, for example accounting records;',
  'restrict how we use your data while a question about it is settled (restriction, Article 18);',
  'stop using your data where we rely on our legitimate interests (objection, Article 21);',
  'give you the data you provided in a portable form (portability, Article 20).',
])}
<p>To use any of these rights, email <a href="mailto:${c.dpoEmail}">${c.dpoEmail}</a> quoting ${a.reference}.</p>
<h2>Complaints</h2>
<p>If you are unhappy with how we have handled your data or this request, please tell us first at <a href="mailto:${c.dpoEmail}">${c.dpoEmail}</a>. You also have the right to complain to the ${ICO.name}, the UK’s data protection regulator:</p>
${list([`online: ${ICO.web}`, `by telephone: ${ICO.phone}`, `by post: ${ICO.post}`])}
<p>You can also ask a court to enforce your rights.</p>
<h2>Files in this download</h2>
${list(opts.files)}
<p>Yours sincerely,</p>
<p>Data Protection Officer, ${c.name}<br>${c.address}<br><a href="mailto:${c.dpoEmail}">${c.dpoEmail}</a></p>
<p class="meta">Built from Icetrak’s register of processing, version ${a.register.version}.</p>
`;
  return documentHtml(title, body, c.name);
}
