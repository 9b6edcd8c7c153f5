/**
 * The desk's letters to a requester (issue 11): one per staff action the law or good practice
 * needs the requester to hear about. Each is owed through the outbox in the same write as the
 * action (shared/cases/act.ts) and rendered when sent, as email or, for a requester without an
 * email address, as a printable letter (shared/templates/desk-pages.ts).
 *
 * What a letter says beyond its fixed text is written by the DPO team (the question, the
 * reasons, the reply), never by a stranger, and is escaped like everything else.
 */
import type { Case } from '#domain/case';
import { formatLongDate, londonDateOf } from '#domain/calendar';
import { RIGHT_LABELS } from '#domain/labels';
import type { MailParams } from '#domain/outbox';
import { isLiftGround } from '#domain/restriction';
import { ACTION_TEXT, LIFT_GROUND_TEXT, groupPhrase, keptBecause } from './plan-text';
import { forwardsOf } from '#domain/forwarding';
import { type Block, type RenderedEmail, heading, link, list, mailto, paragraph, pre, renderEmail, strong } from './email-blocks';

export const LETTER_KINDS = [
  'identity-request',
  'clarification-request',
  'extension',
  'refusal',
  'reply',
  'closing',
  'forwarded',
  'complaint-acknowledgement',
  'complaint-outcome',
  'export-ready',
  'forwarded-to-customers',
  'restriction-lift',
  'restriction-lifted',
] as const;
export type LetterKind = (typeof LETTER_KINDS)[number];

export const isLetterKind = (value: unknown): value is LetterKind => typeof value === 'string' && (LETTER_KINDS as readonly string[]).includes(value);

export const LETTER_TITLES: Record<LetterKind, string> = {
  'identity-request': 'We need to confirm your identity',
  'clarification-request': 'We need more information about your request',
  extension: 'We need more time to answer your request',
  refusal: 'We cannot act on your request',
  reply: 'About your request',
  closing: 'Our response to your request',
  forwarded: 'Part of your request has been passed to another organisation',
  'complaint-acknowledgement': 'We have received your complaint',
  'complaint-outcome': 'The outcome of your complaint',
  'export-ready': 'Your data is ready to download',
  'forwarded-to-customers': 'Organisations that hold your data have been sent your request',
  'restriction-lift': 'We are going to lift the restriction on your data',
  'restriction-lifted': 'We have lifted the restriction on your data',
};

const SIGN_OFF = 'Data Protection Officer, Icetrak Ltd, Malvern, UK';
const ICO = "the Information Commissioner's Office (ICO): ico.org.uk/make-a-complaint, telephone 0303 123 1113";

const text = (p: MailParams, key: string): string => {
  const value = p[key];
  return typeof value === 'string' ? value : '';
};
const lines = (value: string): Block[] => (value ? [pre(value)] : []);
/** A date param (YYYY-MM-DD) as the letter says it (Wednesday 2 December 2026), or '' when absent or not a date. */
const isoText = (p: MailParams, key: string): string => {
  const value = text(p, key);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatLongDate(value) : '';
};
/** "3 of your records": the params' record count. */
const records = (p: MailParams): string => {
  const n = typeof p.records === 'number' && p.records > 0 ? p.records : 0;
  return n ? `${n} of your records` : 'your records';
};

/**
 * The subject and body of letter `kind` on case `c`, with what the action recorded in `p`.
 * `downloadUrl`: the export-ready letter's signed link, made when the mail is sent (never stored);
 * without it (a printed letter) the requester is asked to write for one.
 */
export function letter(c: Case, kind: LetterKind, p: MailParams, opts: { dpoAddress: string; downloadUrl?: string }): RenderedEmail {
  const subject = `[${c.reference}] ${LETTER_TITLES[kind]}`.replace(/[\r\n]+/g, ' ');
  const due = c.dueOn ? formatLongDate(c.dueOn) : null;
  const questions = paragraph('Reply to this email or write to ', mailto(opts.dpoAddress), `, quoting ${c.reference}.`);
  return renderEmail(subject, [
    paragraph(c.requester.fullName ? `Dear ${c.requester.fullName},` : 'Hello,'),
    ...body(c, kind, p, due, opts.downloadUrl),
    questions,
    paragraph(SIGN_OFF),
  ]);
}

function body(c: Case, kind: LetterKind, p: MailParams, due: string | null, downloadUrl?: string): Block[] {
  const asked = c.rights.map((r) => RIGHT_LABELS[r].label);
  switch (kind) {
    case 'identity-request':
      return [
        paragraph('Before we can act on your request ', strong(c.reference), ', we need to be sure you are the person the information is about.'),
        ...lines(text(p, 'message')),
        paragraph(
          'Please send only what we ask for. The one-month time limit starts again on the day we receive it. If we do not hear from you within 30 days we will close the request; you can ask again at any time.',
        ),
      ];
    case 'clarification-request':
      return [
        paragraph('To find what you asked for in request ', strong(c.reference), ', we need to know more:'),
        ...lines(text(p, 'question')),
        p.late === true
          ? paragraph('Our reply is already late, and this question does not change that: we will answer as soon as we can.')
          : paragraph('The time limit is paused from today until we receive your answer. Meanwhile we will provide what we can.'),
      ];
    case 'extension':
      return [
        paragraph('Your request ', strong(c.reference), ' is complex, so we are extending the time limit by two months, as the law allows.'),
        heading('Why'),
        ...lines(text(p, 'reasons')),
        due ? paragraph('We will now reply by ', strong(due), '.') : paragraph('We will tell you the new date once we have the information we asked for.'),
        paragraph('If you are unhappy with this, you can complain to us, and to ', ICO, '.'),
      ];
    case 'refusal':
      return [
        paragraph(
          'We have decided not to act on your request ',
          strong(c.reference),
          p.ground === 'manifestly-excessive' ? ' because it is manifestly excessive.' : ' because it is manifestly unfounded.',
        ),
        heading('Our reasons'),
        ...lines(text(p, 'reasons')),
        heading('Your rights'),
        list([
          `You can complain to us about this decision: reply to this email.`,
          `You can complain to ${ICO}.`,
          'You can ask a court to enforce your rights (a judicial remedy).',
        ]),
      ];
    case 'reply':
      return [...lines(text(p, 'message'))];
    case 'closing':
      return [
        paragraph('This is our response to your request ', strong(c.reference), asked.length ? ` (${asked.join('; ')}).` : '.'),
        heading('What we did'),
        ...lines(text(p, 'done')),
        ...(text(p, 'withheld') ? [heading('What we did not do, and why'), ...lines(text(p, 'withheld'))] : []),
        ...planBlocks(c),
        ...(text(p, 'systems') ? [paragraph('We searched: ', text(p, 'systems'), '.')] : []),
        paragraph(`If you are unhappy with our response, you can complain to us, and to ${ICO}. You can also ask a court to enforce your rights.`),
      ];
    case 'forwarded':
      return [
        paragraph(
          'Part of your request ',
          strong(c.reference),
          ' is about messages a business sent you through Icetrak. That business decides how those messages are used, so we have passed your request to it:',
        ),
        pre(`${text(p, 'controller')}\n${text(p, 'contact')}`),
        paragraph('Please contact it directly about those messages.'),
        p.icetrakPartRemains === true
          ? paragraph(due ? `We will answer the rest of your request ourselves by ${due}.` : 'We will answer the rest of your request ourselves.')
          : paragraph('Nothing else in your request is held by Icetrak, so this closes it with us.'),
      ];
    case 'forwarded-to-customers': {
      // The forwards this letter is about (issue 15): `accounts` names them, their details are on the case.
      const accounts = text(p, 'accounts').split(',');
      const forwards = forwardsOf(c).filter((f) => accounts.includes(f.accountId));
      return [
        paragraph(
          'Your request ',
          strong(c.reference),
          forwards.length === 1
            ? ' is about messages an organisation sent you through Icetrak. That organisation decides how those messages are used, so we have passed your request to it:'
            : ' is about messages organisations sent you through Icetrak. Each of them decides how its messages are used, so we have passed your request to each:',
        ),
        list(forwards.map((f) => [strong(f.name), ': ', mailto(f.contact)])),
        paragraph(
          'Each will answer you itself, within its own time limit. Please contact it directly about those messages; we cannot answer for it, but we will help it as its processor.',
        ),
        p.icetrakPartRemains === true
          ? paragraph(due ? `We will answer the rest of your request ourselves by ${due}.` : 'We will answer the rest of your request ourselves.')
          : paragraph('Apart from our record of this request, Icetrak holds no data about you of its own, so this closes your request with us.'),
      ];
    }
    case 'complaint-acknowledgement':
      return [
        paragraph('We have received your complaint ', strong(c.reference), '. We are looking into it and will tell you the outcome without undue delay.'),
        ...lines(text(p, 'message')),
        paragraph(`You can also complain to ${ICO}.`),
      ];
    case 'complaint-outcome':
      return [
        paragraph('We have looked into your complaint ', strong(c.reference), '. This is the outcome:'),
        ...lines(text(p, 'summary')),
        paragraph(`If you are not satisfied, you can complain to ${ICO}.`),
      ];
    case 'restriction-lift': {
      // Art. 18(3): told BEFORE the restriction is lifted; what, since when, from when, why, what it means, what they can do.
      const from = isoText(p, 'liftFrom');
      const since = isoText(p, 'restrictedOn');
      const ground = isLiftGround(p.ground) ? p.ground : 'other';
      return [
        paragraph(
          'Following your request ',
          strong(c.reference),
          `, we restricted ${records(p)}${since ? ` on ${since}` : ''}: we kept them stored but did not otherwise use them.`,
        ),
        paragraph(
          'We are writing to tell you, before we do it, that we will lift the restriction on or after ',
          strong(from || 'the date we give you'),
          '.',
        ),
        heading('Why'),
        paragraph(`We are lifting it because ${LIFT_GROUND_TEXT[ground]}.`),
        ...lines(text(p, 'reason')),
        heading('What lifting it means'),
        paragraph(
          'Once the restriction is lifted, your records are used again as they were before, for the purposes our privacy notice describes. Any organisation we told of the restriction will be told it has been lifted.',
        ),
        heading('If you disagree'),
        paragraph(
          `You can reply${from ? ` before ${from}` : ''} to tell us why the restriction should stay, or to object to how we use your data; we will consider what you say before we lift it.`,
        ),
        paragraph(`You can also complain to ${ICO}.`),
      ];
    }
    case 'restriction-lifted': {
      const on = isoText(p, 'liftedOn');
      return [
        paragraph(
          `As we told you we would, we lifted the restriction on ${records(p)}${on ? ` on ${on}` : ''} (your request `,
          strong(c.reference),
          '). They are used again as they were before.',
        ),
        paragraph(`If you are unhappy with this, you can complain to us, and to ${ICO}.`),
      ];
    }
    case 'export-ready': {
      const until = typeof p.linkExpiresAt === 'string' ? londonDateOf(p.linkExpiresAt) : null;
      return [
        paragraph(
          'Our answer to your request ',
          strong(c.reference),
          p.exportKind === 'portability'
            ? ' is ready: the data you provided to us, as JSON and CSV files you can give to another organisation, with a letter explaining it.'
            : ' is ready: a copy of the personal data we hold about you, and a letter explaining why we hold it, who receives it, how long we keep it and your rights.',
        ),
        downloadUrl
          ? paragraph('Download it (a ZIP file) from this page: ', link(downloadUrl))
          : paragraph('Write to us and we will send you a link to download it (a ZIP file).'),
        paragraph(
          until ? `The link works until ${formatLongDate(until)}. ` : '',
          'It is for you alone: please do not forward this email. If the link has expired, reply and we will send a new one.',
        ),
      ];
    }
  }
}

/**
 * What the executed change plan did (issue 15), for the closing letter: the records erased,
 * corrected, restricted or no longer used for a purpose; those kept, why and until when; those
 * that are another organisation's to decide; who we told of the changes (Art. 19); and the
 * verification. Nothing of a plan that has not been executed (a failed plan is never reported done).
 */
export function planBlocks(c: Case): Block[] {
  const p = c.plan;
  if (!p || !['executed', 'verified', 'verification-failed'].includes(p.status)) return [];
  const changed = p.groups.filter(
    (g) => g.action === 'erase' || g.action === 'rectify' || g.action === 'restrict' || g.action === 'stop' || g.action === 'lift',
  );
  const kept = p.groups.filter((g) => g.action === 'keep' && g.ground !== 'not-affected' && g.ground !== 'processor');
  const forwarded = p.groups.filter((g) => g.action === 'forward' || (g.action === 'keep' && g.ground === 'processor'));
  const done = (g: (typeof changed)[number]) => {
    switch (g.action) {
      case 'erase':
        return `We erased ${groupPhrase(g)}.`;
      case 'rectify':
        return `We corrected ${g.field ?? 'the details'} in ${groupPhrase(g)}.`;
      case 'restrict':
        return `We restricted ${groupPhrase(g)}: we keep them stored but do not otherwise use them, and will tell you before the restriction is lifted.`;
      case 'lift':
        return `We lifted the restriction on ${groupPhrase(g)}, as we told you we would: they are used again as before.`;
      default:
        return `We stopped using ${groupPhrase(g)} for ${g.purpose ?? 'the purpose you objected to'}.`;
    }
  };
  const blocks: Block[] = [];
  if (changed.length) blocks.push(heading('What we changed'), list(changed.map(done)));
  if (kept.length) blocks.push(heading('What we kept, and why'), list(kept.map((g) => `We kept ${groupPhrase(g)} ${keptBecause(g)}.`)));
  if (forwarded.length)
    blocks.push(
      paragraph(
        `${forwarded.reduce((n, g) => n + g.count, 0)} records are messages a business sent you through Icetrak: that business decides what happens to them (${ACTION_TEXT.forward.toLowerCase()}).`,
      ),
    );
  const told = p.notices ?? [];
  if (told.length)
    blocks.push(
      heading('Who we told'),
      paragraph(
        'We shared some of these records with others, so we have told them of the changes and asked them to make the same changes: ',
        told.map((n) => n.name ?? n.recipient).join(', '),
        '.',
      ),
    );
  if (p.status === 'verified') blocks.push(paragraph('We then searched our systems again and found none of the erased records.'));
  return blocks;
}
