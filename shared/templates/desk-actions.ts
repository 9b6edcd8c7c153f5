/**
 * The case page's action forms (issue 11): one plain form per action the case allows now,
 * posting exactly the fields of its schema in shared/cases/act.ts (ACTION_SCHEMAS) plus the
 * hidden `action` and `_csrf`. Where the law shapes the action, a line of guidance says how.
 */
import { KEPT_REASONS, RIGHTS, type Case } from '#domain/case';
import { KEPT_REASON_LABELS, RIGHT_LABELS } from '#domain/labels';
import { h, type RawHtml } from '#http/html';
import type { ActionName } from '#shared/cases/act';
import { checkbox, choiceAnchor, choices, idOf, textArea, textField, type FormState } from './desk-forms';
import { csrfInput } from './desk-layout';

/**
 * Actions drawn as a full form in the Actions section (mark-read and mark-posted are small buttons
 * elsewhere; search has its own section, desk-search.ts; the answer's prepare-export and
 * release-export theirs, desk-export.ts; the change plan's actions theirs, desk-plan.ts; the
 * restriction's lifting its panel, desk-restriction.ts).
 */
export type FormAction = Exclude<
  ActionName,
  | 'mark-read'
  | 'mark-posted'
  | 'search'
  | 'record-manual-search'
  | 'mark-third-party'
  | 'prepare-export'
  | 'release-export'
  | 'plan'
  | 'approve-plan'
  | 'execute-plan'
  | 'confirm-manual-execution'
  | 'announce-restriction-lift'
  | 'lift-restriction'
>;

interface ActionForm {
  title: string;
  /** What the law or the process means for this action, shown above the fields. */
  guidance?: string;
  button: string;
  /** The fields, in order, with the control id an error summary link should go to. */
  fields: (state: FormState, c: Case) => RawHtml[];
  anchors: (state: FormState) => Array<[string, string]>;
}

const TEXT = 10_000;
const anchorsOf =
  (...names: string[]) =>
  (state: FormState): Array<[string, string]> =>
    names.map((n) => [n, idOf(state, n)]);

export const ACTION_FORMS: Record<FormAction, ActionForm> = {
  'confirm-identity': {
    title: 'Confirm identity',
    guidance: 'Record how you checked who they are (for example, the request came from the address on their account). Ask only for what you need.',
    button: 'Confirm identity',
    fields: (state) => [textArea({ name: 'method', label: 'How was identity confirmed?', rows: 3, maxLength: 500, state })],
    anchors: anchorsOf('method'),
  },
  'request-identity': {
    title: 'Ask for proof of identity',
    guidance:
      'Ask only for what is reasonable and proportionate to be sure who they are. The letter is sent now; the one-month clock starts again on the day the information arrives.',
    button: 'Send the identity request',
    fields: (state) => [textArea({ name: 'message', label: 'What you need from the requester, and why', rows: 5, maxLength: TEXT, state })],
    anchors: anchorsOf('message'),
  },
  'request-clarification': {
    title: 'Ask the requester to clarify',
    guidance:
      'Only when you need it to find what they asked for (for example, a large amount of data). The clock is stopped until they answer; meanwhile provide what you can.',
    button: 'Send the question',
    fields: (state) => [textArea({ name: 'question', label: 'The question', rows: 5, maxLength: TEXT, state })],
    anchors: anchorsOf('question'),
  },
  'record-clarification': {
    title: 'Record the clarification received',
    guidance: 'The clock starts again from the day the answer arrived, not the day you record it.',
    button: 'Record the answer',
    fields: (state) => [
      textArea({ name: 'answer', label: 'The answer, or a summary of it', rows: 5, maxLength: TEXT, state }),
      textField({ name: 'receivedOn', label: 'Date the answer arrived', hint: 'For example 2026-11-20.', type: 'date', state }),
    ],
    anchors: anchorsOf('answer', 'receivedOn'),
  },
  'mark-complex': {
    title: 'Mark as complex',
    guidance: 'Recorded on the case. It does not change the due date by itself; a complex request can then be extended.',
    button: 'Mark as complex',
    fields: (state) => [textArea({ name: 'reasons', label: 'Why the request is complex', rows: 4, maxLength: 2_000, state })],
    anchors: anchorsOf('reasons'),
  },
  extend: {
    title: 'Extend by two months',
    guidance:
      'Only for complex requests, and only within the first month. The requester is told the reasons and the new date in a letter sent now; it tells them they may complain to the ICO.',
    button: 'Extend and tell the requester',
    fields: (state) => [textArea({ name: 'reasons', label: 'The reasons to give the requester', rows: 5, maxLength: TEXT, state })],
    anchors: anchorsOf('reasons'),
  },
  refuse: {
    title: 'Refuse the request',
    guidance:
      'Only if the request is manifestly unfounded or manifestly excessive, and keep the evidence. The letter gives your reasons and tells them they may complain to the ICO and seek a judicial remedy.',
    button: 'Refuse and send the letter',
    fields: (state) => [
      choices({
        name: 'ground',
        legend: 'Ground for refusal',
        type: 'radio',
        options: [
          {
            value: 'manifestly-unfounded',
            label: 'Manifestly unfounded',
            hint: 'For example, made only to cause disruption, with no real wish to exercise the right.',
          },
          {
            value: 'manifestly-excessive',
            label: 'Manifestly excessive',
            hint: 'Clearly unreasonable or disproportionate, for example repeating a request just answered.',
          },
        ],
        state,
      }),
      textArea({ name: 'reasons', label: 'The reasons to give the requester', rows: 5, maxLength: TEXT, state }),
    ],
    anchors: (state) => [
      ['ground', choiceAnchor(state, 'ground', 'manifestly-unfounded')],
      ['reasons', idOf(state, 'reasons')],
    ],
  },
  reply: {
    title: 'Reply to the requester',
    button: 'Send the reply',
    fields: (state) => [textArea({ name: 'message', label: 'The message', rows: 6, maxLength: TEXT, state })],
    anchors: anchorsOf('message'),
  },
  reclassify: {
    title: 'Change the rights requested',
    guidance: 'Name the rights the request is really about. Choosing only "Make a complaint" moves it to the complaints track.',
    button: 'Save the rights',
    fields: (state, c) => [
      choices({
        name: 'rights',
        legend: 'What is the requester asking for?',
        hint: 'Select all that apply.',
        type: 'checkbox',
        options: RIGHTS.map((r) => ({ value: r, label: RIGHT_LABELS[r].label })),
        state: state.values.rights === undefined ? { ...state, values: { ...state.values, rights: c.rights } } : state,
      }),
    ],
    anchors: (state) => [['rights', choiceAnchor(state, 'rights', RIGHTS[0])]],
  },
  merge: {
    title: 'Merge into another case',
    guidance: 'For a duplicate of a request already on the desk: this case is closed into the other one, which keeps the earlier clock.',
    button: 'Merge',
    fields: (state) => [
      textField({ name: 'into', label: 'Reference of the case to merge into', hint: 'For example RD-7K4M9P.', maxLength: 9, spellcheck: false, state }),
    ],
    anchors: anchorsOf('into'),
  },
  close: {
    title: 'Close the request',
    guidance:
      'The closing letter tells them what was done, what was not and why, and that they may complain to the ICO or ask a court to enforce their rights. A refusal or a forward has its own action.',
    button: 'Close and send the response',
    fields: (state) => [
      choices({
        name: 'outcome',
        legend: 'Outcome',
        type: 'radio',
        options: [
          { value: 'completed', label: 'Completed: we did everything asked' },
          { value: 'partially-completed', label: 'Partially completed: some of it was withheld or not done' },
          { value: 'withdrawn', label: 'Withdrawn by the requester' },
        ],
        state,
      }),
      textArea({ name: 'summary', label: 'What was done', rows: 5, maxLength: TEXT, state }),
      textArea({
        name: 'withheld',
        label: 'What was not done or was withheld, and why (optional)',
        hint: 'Name the exemption relied on.',
        rows: 4,
        maxLength: TEXT,
        state,
      }),
      choices({
        name: 'keptBecause',
        legend: 'Why something was kept or withheld (a partial completion)',
        hint: 'Select all that apply. The compliance report counts them.',
        type: 'checkbox',
        options: KEPT_REASONS.map((r) => ({ value: r, label: KEPT_REASON_LABELS[r] })),
        state,
      }),
      textField({
        name: 'systemsSearched',
        label: 'Systems searched',
        hint: 'For example: billing, message logs, support tickets.',
        maxLength: 200,
        state,
      }),
    ],
    anchors: (state) => [
      ['outcome', choiceAnchor(state, 'outcome', 'completed')],
      ['summary', idOf(state, 'summary')],
      ['withheld', idOf(state, 'withheld')],
      ['keptBecause', choiceAnchor(state, 'keptBecause', KEPT_REASONS[0])],
      ['systemsSearched', idOf(state, 'systemsSearched')],
    ],
  },
  forward: {
    title: 'Forward to the controller',
    guidance:
      'When the data is in messages a business customer sent through Icetrak, that customer is the controller and Icetrak only its processor. The requester is told who to contact.',
    button: 'Forward and tell the requester',
    fields: (state) => [
      textField({ name: 'controller', label: 'The business customer’s name', maxLength: 200, state }),
      textArea({
        name: 'contact',
        label: 'Its privacy contact',
        hint: 'As given in its contract with Icetrak: an email or postal address.',
        rows: 3,
        maxLength: 500,
        state,
      }),
      checkbox({
        name: 'icetrakPartRemains',
        label: 'Part of the request is about data Icetrak controls',
        hint: 'Tick to keep the case open for that part; leave it to close the case.',
        state,
      }),
    ],
    anchors: anchorsOf('controller', 'contact', 'icetrakPartRemains'),
  },
  'acknowledge-complaint': {
    title: 'Acknowledge the complaint',
    guidance: 'A complaint must be acknowledged within 30 days of receipt (DPA 2018 s.164A). The letter tells them they may also complain to the ICO.',
    button: 'Send the acknowledgement',
    fields: (state) => [textArea({ name: 'message', label: 'Anything to add (optional)', rows: 4, maxLength: TEXT, state })],
    anchors: anchorsOf('message'),
  },
  'close-complaint': {
    title: 'Close the complaint',
    guidance: 'Tell them the outcome without undue delay. The letter tells them they may complain to the ICO if not satisfied.',
    button: 'Close and send the outcome',
    fields: (state) => [textArea({ name: 'summary', label: 'The outcome of the complaint', rows: 5, maxLength: TEXT, state })],
    anchors: anchorsOf('summary'),
  },
  'place-hold': {
    title: 'Place a legal hold',
    guidance:
      'For litigation, an investigation or a regulator’s request: nothing of this case (its record, correspondence, attachments, raw mail) is deleted while the hold is on, whatever its retention date. The requester is not told.',
    button: 'Place the legal hold',
    fields: (state) => [
      textArea({ name: 'reason', label: 'Why the case must be kept', rows: 3, maxLength: 2_000, state }),
      textField({
        name: 'reviewOn',
        label: 'Review the hold on (optional)',
        hint: 'For example 2027-06-30. Past that date the case shows in triage.',
        type: 'date',
        state,
      }),
    ],
    anchors: anchorsOf('reason', 'reviewOn'),
  },
  'release-hold': {
    title: 'Release the legal hold',
    guidance: 'Once the matter is over. A closed case is then kept until its retention date again, and deleted after it.',
    button: 'Release the legal hold',
    fields: (state) => [textArea({ name: 'reason', label: 'Why the hold is no longer needed', rows: 3, maxLength: 2_000, state })],
    anchors: anchorsOf('reason'),
  },
  reopen: {
    title: 'Reopen the case',
    guidance:
      'When the answer turned out incomplete or the case was closed by mistake. It is the same request: the due date does not move, so a late answer stays late. The case is no longer due for deletion while it is open. The requester is not written to; reply when you have something to say.',
    button: 'Reopen the case',
    fields: (state) => [textArea({ name: 'reason', label: 'Why the case is reopened', rows: 3, maxLength: 2_000, state })],
    anchors: anchorsOf('reason'),
  },
};

export const isFormAction = (a: unknown): a is FormAction => typeof a === 'string' && Object.hasOwn(ACTION_FORMS, a);

/** The error summary's links for the failing action's fields. */
export function actionAnchors(action: FormAction, errors: Record<string, string>, values: Record<string, unknown>): Array<[string, string]> {
  return ACTION_FORMS[action].anchors({ prefix: action, values, errors });
}

export function actionForm(opts: {
  action: FormAction;
  c: Case;
  csrf: string;
  basePath: string;
  /** Set for the form whose post failed: its values and errors come back, and it is open. */
  failed?: { values: Record<string, unknown>; errors: Record<string, string> };
}): RawHtml {
  const spec = ACTION_FORMS[opts.action];
  const state: FormState = { prefix: opts.action, values: opts.failed?.values ?? {}, errors: opts.failed?.errors ?? {} };
  const id = `action-${opts.action}`;
  return h`<details class="action" id="${id}"${opts.failed ? h` open` : ''}>
<summary>${spec.title}</summary>
${spec.guidance ? h`<p class="hint">${spec.guidance}</p>` : ''}
<form method="post" action="${opts.basePath}/desk/cases/${encodeURIComponent(opts.c.reference)}/actions" novalidate>
<input type="hidden" name="action" value="${opts.action}">
${csrfInput(opts.csrf)}
${spec.fields(state, opts.c)}
<button type="submit">${spec.button}</button>
</form>
</details>`;
}

/** A one-button form for an action without fields (mark-read) or with one fixed field (mark-posted). */
export function smallActionForm(opts: {
  action: ActionName;
  reference: string;
  csrf: string;
  basePath: string;
  button: string | RawHtml;
  hidden?: Record<string, string>;
}): RawHtml {
  return h`<form class="inline-form" method="post" action="${opts.basePath}/desk/cases/${encodeURIComponent(opts.reference)}/actions">
<input type="hidden" name="action" value="${opts.action}">
${csrfInput(opts.csrf)}
${Object.entries(opts.hidden ?? {}).map(([k, v]) => h`<input type="hidden" name="${k}" value="${v}">`)}
<button type="submit" class="secondary">${opts.button}</button>
</form>`;
}
