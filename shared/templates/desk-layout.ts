/**
 * The DPO desk's page shell (issue 11): header with who is signed in and a sign-out form, the
 * queue views, search, and the words the desk uses for statuses, channels, flags and times.
 * No scripts at all (the desk's CSP forbids them): everything is a link or a plain form.
 * Every value goes through `h`.
 */
import type { Staff } from '#shared/auth/staff';
import { canAct } from '#shared/auth/staff';
import { QUEUE_VIEWS, VIEW_LABELS, type QueueView } from '#domain/queue';
import { h, raw, type RawHtml } from '#http/html';

const CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:17px;line-height:1.4;color:#0b0c0c;background:#fff;overflow-wrap:break-word}
.skip{position:absolute;left:-9999px}.skip:focus{position:static;display:block;padding:8px;background:#fd0;color:#0b0c0c}
header{background:#0b0c0c;color:#fff;padding:12px 16px;display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center;justify-content:space-between}
header .brand{margin:0;font-weight:bold;font-size:20px}header .who{margin:0}
header form{display:inline}header button{background:#fff;color:#0b0c0c;box-shadow:none;padding:4px 10px;font-weight:normal}
header a{color:#fff}
nav{background:#f3f2f1;border-bottom:1px solid #b1b4b6;padding:8px 16px;display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px}
nav a[aria-current]{font-weight:bold;color:#0b0c0c;text-decoration:none;border-bottom:4px solid #1d70b8}
nav form{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:center;flex:1 1 auto;max-width:100%}nav form label{display:inline;margin:0}
nav input[type=search]{font:inherit;padding:4px;border:2px solid #0b0c0c;flex:1 1 10em;min-width:0;max-width:18em}
nav button{padding:4px 12px}
main{max-width:1100px;margin:0 auto;padding:24px 16px 48px}
h1{font-size:30px;line-height:1.15;margin:0 0 24px}h2{font-size:23px;margin:32px 0 12px}h3{font-size:19px;margin:20px 0 8px}
a{color:#1d70b8}a:visited{color:#4c2c92}
a:focus,input:focus,textarea:focus,select:focus,button:focus,summary:focus,[tabindex]:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}
.field{margin:0 0 20px}.field.error{border-left:5px solid #d4351c;padding-left:12px}
.field input,.field textarea,.field select{scroll-margin-top:200px}
label,legend{display:block;font-weight:bold;margin-bottom:4px}
fieldset{border:0;margin:0;padding:0}legend{padding:0}
.hint{color:#505a5f;margin:0 0 8px}.msg{color:#d4351c;font-weight:bold;margin:0 0 8px}
input[type=text],input[type=email],input[type=tel],input[type=date],select,textarea{font:inherit;padding:6px;border:2px solid #0b0c0c;border-radius:0;max-width:100%}
input[type=text],input[type=email],input[type=tel],textarea{width:100%;max-width:36em}
.error input,.error textarea,.error select{border-color:#d4351c}
textarea{min-height:6em}
.choice{display:flex;align-items:flex-start;gap:10px;margin:0 0 8px}
.choice input{width:24px;height:24px;margin:0;flex:none}.choice label{font-weight:normal;margin:1px 0 0}
button{font:inherit;font-weight:bold;color:#fff;background:#00703c;border:0;box-shadow:0 2px 0 #002d18;padding:8px 14px;cursor:pointer}
button.secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px 0 #929191}
.summary{border:5px solid #d4351c;padding:16px;margin:0 0 32px}.summary h2{margin-top:0}
.summary ul{margin:0;padding-left:20px}.summary a{color:#d4351c;font-weight:bold}
.notice{border-left:10px solid #1d70b8;padding:8px 16px;background:#f3f2f1}
.warning{border-left:10px solid #d4351c;padding:8px 16px;background:#fbeae8;font-weight:bold}
.visually-hidden{position:absolute!important;width:1px;height:1px;margin:0;padding:0;overflow:hidden;clip:rect(0 0 0 0);border:0;white-space:nowrap}
.table-wrap{overflow-x:auto;margin:0 0 24px}
table{border-collapse:collapse;width:100%;font-size:16px}caption{text-align:left;font-weight:bold;font-size:19px;margin-bottom:8px}
th,td{text-align:left;vertical-align:top;padding:8px 10px 8px 0;border-bottom:1px solid #b1b4b6}
.late{color:#d4351c;font-weight:bold}.late::before{content:"\\26A0\\FE0E  "}
dl.list{display:grid;grid-template-columns:minmax(8em,14em) 1fr;gap:0;margin:0 0 24px}
dl.list dt,dl.list dd{margin:0;padding:8px 10px 8px 0;border-bottom:1px solid #b1b4b6}dl.list dt{font-weight:bold}
@media (max-width:640px){dl.list{display:block}dl.list dt{border:0;padding-bottom:0}}
.text{white-space:pre-wrap;font-family:inherit;font-size:inherit;margin:0;background:#f8f8f8;padding:8px;border-left:4px solid #b1b4b6}
.items{list-style:none;padding:0;margin:0 0 24px}.items>li{border-bottom:1px solid #b1b4b6;padding:10px 0}
.tag{display:inline-block;padding:0 6px;margin:0 4px 4px 0;background:#eeefef;border:1px solid #b1b4b6;font-size:15px}
details.action{border:1px solid #b1b4b6;margin:0 0 12px;padding:0 12px}details.action>summary{cursor:pointer;padding:10px 0;font-weight:bold;color:#1d70b8}
details.action[open]{padding-bottom:12px}
.inline-form{display:inline}
footer{border-top:1px solid #b1b4b6;max-width:1100px;margin:0 auto;padding:16px;font-size:15px;color:#505a5f}
`;

/** One complete desk document. `header` and `nav` are the page's chrome (empty for a signed-out page). */
export function deskDocument(opts: { title: string; body: RawHtml; header?: RawHtml; nav?: RawHtml; hasErrors?: boolean; extraCss?: string }): string {
  const title = `${opts.hasErrors ? 'Error: ' : ''}${opts.title} - Rightsdesk`;
  return h`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${raw(CSS + (opts.extraCss ?? ''))}</style>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header>
<p class="brand">Rightsdesk — DPO desk</p>
${opts.header ?? ''}
</header>
${opts.nav ?? ''}
<main id="main" tabindex="-1">
${opts.body}
</main>
<footer>Icetrak Ltd, Malvern, UK. Personal data: do not copy it out of the desk.</footer>
</body>
</html>`.value;
}

export interface DeskLayoutOptions {
  title: string;
  staff: Staff;
  /** The session's CSRF token; the sign-out form carries it. */
  csrf?: string;
  basePath: string;
  body: RawHtml;
  /** A one-line confirmation of what just happened ("Identity confirmed."). */
  flash?: string;
  /** The queue view the page belongs to, marked as current in the navigation. */
  current?: QueueView;
  /** What was searched for, kept in the search box. */
  search?: string;
  /** The page shows an error summary: the title starts "Error: ". */
  hasErrors?: boolean;
  /** The page is the reports page (marked as current in the navigation). */
  reportsCurrent?: boolean;
  /** The page is the retention review (marked as current in the navigation). */
  retentionCurrent?: boolean;
  /** The page is the processing register (marked as current in the navigation). */
  registerCurrent?: boolean;
}

export const csrfInput = (csrf: string | undefined): RawHtml => h`<input type="hidden" name="_csrf" value="${csrf ?? ''}">`;

export function deskLayout(opts: DeskLayoutOptions): string {
  const { staff, basePath } = opts;
  const role = canAct(staff) ? 'DPO team' : 'Viewer (read only)';
  const header = h`<p class="who">Signed in as ${staff.name || staff.email}${staff.name && staff.name !== staff.email ? h` (${staff.email})` : ''}, ${role}</p>
<form method="post" action="${basePath}/desk/sign-out">${csrfInput(opts.csrf)}<button type="submit">Sign out</button></form>`;
  const nav = h`<nav aria-label="Desk">
<ul>
${QUEUE_VIEWS.map((v) => h`<li><a href="${basePath}/desk?view=${v}"${raw(opts.current === v && !opts.search ? ' aria-current="page"' : '')}>${VIEW_LABELS[v]}</a></li>`)}
${canAct(staff) ? h`<li><a href="${basePath}/desk/new">Log a request</a></li>` : ''}
<li><a href="${basePath}/desk/reports"${raw(opts.reportsCurrent ? ' aria-current="page"' : '')}>Reports</a></li>
<li><a href="${basePath}/desk/retention"${raw(opts.retentionCurrent ? ' aria-current="page"' : '')}>Retention review</a></li>
<li><a href="${basePath}/desk/register"${raw(opts.registerCurrent ? ' aria-current="page"' : '')}>Processing register</a></li>
</ul>
<form method="get" action="${basePath}/desk" role="search">
<label for="desk-search">Reference or requester email</label>
<input type="search" id="desk-search" name="q" value="${opts.search ?? ''}" maxlength="254" spellcheck="false">
<button type="submit" class="secondary">Search</button>
</form>
</nav>`;
  const flash = opts.flash ? h`<div class="notice" role="status"><p>${opts.flash}</p></div>` : '';
  return deskDocument({ title: opts.title, header, nav, body: h`${flash}${opts.body}`, hasErrors: opts.hasErrors ?? false });
}

export function signedOutPage(opts: { basePath: string }): string {
  return deskDocument({
    title: 'Signed out',
    body: h`<h1>You have signed out</h1>
<p>Close the browser window if you are on a shared computer.</p>
<p><a href="${opts.basePath}/desk">Sign in again</a></p>`,
  });
}

export function deskErrorPage(opts: { status: number; message: string; basePath: string }): string {
  const titles: Record<number, string> = {
    400: 'Something in the request was not right',
    401: 'You need to sign in',
    403: 'You cannot do that',
    404: 'Page not found',
    409: 'The case has changed',
    422: 'That cannot be done now',
  };
  const title = titles[opts.status] ?? (opts.status >= 500 ? 'Sorry, there is a problem with the desk' : 'Something went wrong');
  return deskDocument({
    title,
    body: h`<h1>${title}</h1>
<p>${opts.message}</p>
<p><a href="${opts.basePath}/desk">Go to the desk</a></p>`,
  });
}

// --- the words the desk uses ---------------------------------------------------------------

export const STATUS_LABELS: Record<string, string> = {
  received: 'Received, not yet started',
  awaiting_identity: 'Waiting for identity',
  in_progress: 'In progress',
  awaiting_clarification: 'Waiting for clarification (clock stopped)',
  closed: 'Closed',
};

export const OUTCOME_LABELS: Record<string, string> = {
  completed: 'Completed',
  partially_completed: 'Partially completed',
  refused: 'Refused',
  forwarded: 'Forwarded to the controller',
  withdrawn: 'Withdrawn',
  closed_unverified: 'Closed: identity not confirmed',
};

export const CHANNEL_LABELS: Record<string, string> = {
  form: 'Web form',
  email: 'Email',
  phone: 'Phone',
  post: 'Post',
  'in-person': 'In person',
};

export const FLAG_LABELS: Record<string, string> = {
  unclassified: 'Rights not yet named',
  'spam-review': 'Spam review',
  quarantined: 'Quarantined',
  'new-correspondence': 'Unread correspondence',
  'acknowledgement-failed': 'Acknowledgement failed',
  'mail-undelivered': 'Mail undelivered',
  'reply-by-post': 'Reply by post',
  'on-behalf': 'On behalf of someone else',
  'no-sender': 'No sender address',
  'mailing-list': 'Sent through a mailing list',
};

/** `awaiting_identity`, `mark-posted`, `IdentityConfirmed`, `attachmentsStored` → words, first letter capital. */
export function words(name: string): string {
  const spaced = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_]+/g, ' ')
    .trim()
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export const labelOf = (labels: Record<string, string>, value: string): string => labels[value] ?? words(value);

const instantFormatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An ISO instant as London wall time: "Mon 2 Nov 2026, 10:00". Anything unreadable is shown as given. */
export function formatInstant(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = instantFormatter.formatToParts(d);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}, ${part('hour')}:${part('minute')}`;
}

/** The `datetime` attribute and visible text of a <time>. */
export const timeOf = (iso: string): RawHtml => h`<time datetime="${iso}">${formatInstant(iso)}</time>`;
