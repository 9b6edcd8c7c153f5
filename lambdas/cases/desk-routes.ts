/**
 * The desk's pages and the staff API (issue 11), part of the cases manifest (./manifest.ts).
 * Every route is a 'staff' route: its handler authenticates the session or Bearer token before
 * it reads anything (shared/http/staff-handler.ts). Sessions live in the cases table, so every
 * handler writes it (touching the session); acting handlers also owe and send letters.
 */
import { OUTBOX_USES, RETENTION_SETTINGS, type HandlerSpec, type Uses } from '#lambdas/manifest';

const STAFF = { staffAuth: true, cases: 'readWrite', settings: ['DPO_ADDRESS', 'PUBLIC_BASE_URL'] } as const satisfies Uses;
const ACTS = { ...OUTBOX_USES, staffAuth: true } as const satisfies Uses;
/**
 * Acting on a case, which includes placing and lifting a legal hold on its stored objects and
 * starting the deadline keeper of a reopened case (issue 13), starting a search of Icetrak's
 * systems and preparing the case's answer (issue 14): reading the search's records files under
 * searches/ and writing the ZIP under exports/ of the files bucket; making, approving and executing
 * a change plan (issue 15): its lines under plans/, and starting its execution.
 */
const ACTS_WITH_HOLDS = {
  ...ACTS,
  rawMail: { access: 'hold', prefix: 'inbound/' },
  files: [
    'hold',
    { access: 'read', prefix: 'searches/' },
    { access: 'write', prefix: 'searches/' },
    { access: 'write', prefix: 'exports/' },
    { access: 'read', prefix: 'plans/' },
    { access: 'write', prefix: 'plans/' },
  ],
  keeper: 'start',
  search: 'start',
  execution: 'start',
  // Closing a case and releasing a hold set its expiry from the deployment's schedule.
  settings: [...OUTBOX_USES.settings, ...RETENTION_SETTINGS],
} as const satisfies Uses;
/** A change plan's lines (issue 15), read to show them. */
const PLAN_LINES = { access: 'read', prefix: 'plans/' } as const;
/** Reads that draw no page with the desk's letters: no DPO address. */
const STAFF_READS = { staffAuth: true, cases: 'readWrite', settings: ['PUBLIC_BASE_URL'] } as const satisfies Uses;

const route = (id: string, file: string, method: 'GET' | 'POST', path: string, uses: Uses): HandlerSpec => ({
  id,
  entry: `lambdas/cases/${file}.ts`,
  description: `Rightsdesk ${method} ${path}`,
  trigger: { kind: 'http', method, path, access: 'staff' },
  uses,
});

export const DESK_HANDLERS: readonly HandlerSpec[] = [
  // The desk (HTML, session cookie)
  route('DeskQueue', 'desk-queue', 'GET', '/desk', STAFF),
  // The case page reads the search's records files (searches/ only) for the DPO to mark third-party data, and the change plan's lines (plans/; issue 15).
  route('DeskCase', 'desk-case', 'GET', '/desk/cases/{reference}', { ...STAFF, files: [{ access: 'read', prefix: 'searches/' }, PLAN_LINES] }),
  route('DeskAct', 'desk-act', 'POST', '/desk/cases/{reference}/actions', ACTS_WITH_HOLDS),
  route('DeskNewCase', 'desk-new-case', 'GET', '/desk/new', STAFF),
  route('DeskCreateCase', 'desk-create-case', 'POST', '/desk/cases', { ...ACTS, keeper: 'start', settings: [...OUTBOX_USES.settings, 'NATION'] }),
  route('DeskLetter', 'desk-letter', 'GET', '/desk/cases/{reference}/letters/{letter}', STAFF),
  route('DeskMessage', 'desk-message', 'GET', '/desk/cases/{reference}/messages/{message}', { ...STAFF, files: 'read' }),
  route('DeskAttachment', 'desk-attachment', 'GET', '/desk/cases/{reference}/messages/{message}/attachments/{n}', { ...STAFF_READS, files: 'read' }),
  // The staff API (JSON, Bearer token or session)
  route('ListCases', 'list-cases', 'GET', '/api/cases', STAFF_READS),
  route('GetCase', 'get-case', 'GET', '/api/cases/{reference}', { ...STAFF_READS, files: PLAN_LINES }),
  route('CreateCase', 'create-case', 'POST', '/api/cases', { ...ACTS, keeper: 'start', settings: [...OUTBOX_USES.settings, 'NATION'] }),
  route('ActOnCase', 'act-on-case', 'POST', '/api/cases/{reference}/actions', ACTS_WITH_HOLDS),
];
