/**
 * The requester's download page for a released answer (issue 14; GET /export/{token}) and the
 * pages for a link that no longer works. The button POSTs to the same address (the token in it is
 * the credential); opening the page changes nothing. Every value is escaped by `h`.
 */
import { h } from '#http/html';
import type { ExportLinkProblem, ExportOnOffer } from '#shared/fulfilment/export/download';
import { page } from './layout';
import type { SiteContext } from './pages';
import { formatLondonInstant } from './report-format';

/** 48213 → "47 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function exportDownloadPage(site: SiteContext, offer: ExportOnOffer, token: string): string {
  const action = `${site.basePath}/export/${encodeURIComponent(token)}`;
  const portable = offer.kind === 'portability';
  const title = portable ? 'Download the data you provided' : 'Download your data';
  const counts = offer.sources.map((s) => h`<li>${s.name}: ${s.records} ${s.records === 1 ? 'record' : 'records'}</li>\n`);
  const body = h`<h1>${title}</h1>
<p>This is our answer to your request <strong>${offer.reference}</strong>: a ZIP file of ${formatBytes(offer.bytes)}.</p>
<h2>What it holds</h2>
<ul>
${offer.files.map((f) => h`<li>${f}</li>\n`)}</ul>
${counts.length ? h`<p>Records by source:</p>\n<ul>\n${counts}</ul>` : h`<p>We found no personal data about you in our systems; the letter in the file explains what we searched.</p>`}
<p>Open <strong>cover-letter.html</strong> first: it explains what we hold, why, for how long, and your rights.</p>
<form method="post" action="${action}">
<button type="submit">Download the ZIP file</button>
</form>
<p>This link works until <strong>${formatLondonInstant(offer.linkExpiresAt)}</strong> (London time). It is for you alone: please do not share it.</p>`;
  return page({ title, body, dpoAddress: site.dpoAddress });
}

export function exportLinkProblemPage(site: SiteContext, problem: ExportLinkProblem['outcome']): string {
  const write = h`email <a href="mailto:${site.dpoAddress}">${site.dpoAddress}</a> with the reference from our email and we will send you a new link`;
  const text = {
    invalid: { title: 'This link is not valid', body: h`<p>Check you copied the whole link from our email. If it still does not work, ${write}.</p>` },
    expired: { title: 'This link has expired', body: h`<p>Download links work for 7 days. To get your data, ${write}.</p>` },
    revoked: {
      title: 'This link has been replaced',
      body: h`<p>We have prepared a newer answer to your request and sent you a new link. If you cannot find it, ${write}.</p>`,
    },
  }[problem];
  return page({ title: text.title, body: h`<h1>${text.title}</h1>${text.body}`, dpoAddress: site.dpoAddress });
}
