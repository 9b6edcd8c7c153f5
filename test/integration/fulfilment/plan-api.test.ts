/**
 * Issue 15's demo cases through the staff API on the local stack with the demo data loaded (the
 * account system in PGlite behind `pg`): a request logged, searched, its change plan made (`plan`),
 * shown with its lines (GET /api/cases/{reference}), approved (`approve-plan`: the synthesised plan
 * execution on the real task handlers, SqlWriter on the account system), verified by a new search,
 * the recipients told through the outbox, and the closing letter saying what was done and kept;
 * and a restriction lifted after its case closed, the requester told first (Art. 18(3)).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLongDate, londonDateOf } from '#domain/calendar';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { emailsTo } from '#test/support/http';
import { bearerFor, staffCall } from '#test/support/staff';

let stack: LocalStack;
let dpo: string;
let auditor: string;
/** The account system the stack's handlers read and write, to see what a plan did to its rows. */
let accountsDb: pg.Pool;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, icetrak: true, log: () => undefined });
  dpo = await bearerFor(stack, 'dpo.lead@icetrak.net');
  auditor = await bearerFor(stack, 'auditor@icetrak.net');
  accountsDb = new pg.Pool({ connectionString: stack.icetrak!.accountsUrl, max: 1 });
}, 180_000);
afterAll(async () => {
  await accountsDb?.end();
  await stack?.stop();
});

const call = (path: string, opts: { method?: string; body?: unknown } = {}, token = dpo) => staffCall(stack, path, token, opts);
const actOn = (ref: string, body: Record<string, unknown>, token = dpo) => call(`/api/cases/${ref}/actions`, { method: 'POST', body }, token);

interface Line {
  recordId: string;
  source: string;
  recordType: string;
  action: string;
  reason: string;
  keptUntil: string | null;
  recipients?: string[];
}
interface Plan {
  planId: string;
  status: string;
  groups: Array<{ source: string; recordType: string; action: string; keptUntil?: string | null; count: number }>;
  sources: Array<{ source: string; status: string; failure?: string }>;
  recipients: Array<{ recipient: string; name: string }>;
  notices: Array<{ recipient: string; outboxId: string }>;
  verification: { runId: string; finishedAt?: string; remaining?: number } | null;
  lines: Line[] | null;
  linesTotal: number | null;
}
interface Restriction {
  restrictedAt: string;
  records: number;
  plans: Array<{ planId: string }>;
  lift: { ground: string; liftFrom: string; letter: { id: string; state: string | null }; planId: string | null; liftedAt: string | null } | null;
}
interface Doc {
  status: string;
  allowedActions: string[];
  plan: (Plan & { kind?: string }) | null;
  restriction: Restriction | null;
  searchRun: { runId: string; finishedAt: string | null } | null;
  timeline: Array<{ action: string; detail?: Record<string, unknown> }>;
  correspondence: Array<{ direction: string; id?: string; to?: string; state?: string }>;
}

const get = async (ref: string) => (await call(`/api/cases/${ref}`)).json<Doc>();

async function until(ref: string, done: (d: Doc) => boolean, what: string): Promise<Doc> {
  for (let i = 0; i < 300; i++) {
    const doc = await get(ref);
    if (done(doc)) return doc;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not happen.`);
}

/** A request logged and confirmed, searched, the manual source searched by hand (nothing found). */
async function searchedRequest(body: Record<string, unknown>): Promise<string> {
  const res = await call('/api/cases', {
    method: 'POST',
    body: { channel: 'email', receivedOn: londonDateOf(new Date()), relationship: 'customer', ...body },
  });
  expect(res.status, res.text).toBe(201);
  const ref = res.json<{ reference: string }>().reference;
  expect((await actOn(ref, { action: 'confirm-identity', method: 'Replied from the address on the account' })).status).toBe(200);
  expect((await actOn(ref, { action: 'search' })).status).toBe(200);
  await until(ref, (d) => d.searchRun?.finishedAt != null, 'The search');
  expect((await actOn(ref, { action: 'record-manual-search', source: 'support-files', outcome: 'nothing-found' })).status).toBe(200);
  return ref;
}

async function planned(ref: string, body: Record<string, unknown> = {}): Promise<Plan> {
  const res = await actOn(ref, { action: 'plan', ...body });
  expect(res.status, res.text).toBe(200);
  const plan = (await get(ref)).plan!;
  expect(plan.status).toBe('proposed');
  expect(plan.lines?.length).toBe(plan.linesTotal);
  return plan;
}

async function executed(ref: string, plan: Plan): Promise<Doc> {
  const res = await actOn(ref, { action: 'approve-plan', planId: plan.planId });
  expect(res.status, res.text).toBe(200);
  return until(ref, (d) => ['executed', 'verified', 'verification-failed', 'failed'].includes(d.plan?.status ?? ''), 'The execution');
}

describe('change plans through the staff API (issue 15 demo cases)', () => {
  it('Dee’s erasure: ACC-1003 closed more than 7 years ago, so everything of hers is erased; the verification search finds nothing', async () => {
    const ref = await searchedRequest({ rights: ['erasure'], fullName: 'Dee Example', email: 'dee@example.org' });
    const plan = await planned(ref);
    const own = plan.lines!.filter((l) => l.source === 'accounts' || l.source === 'billing');
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((l) => l.action === 'erase')).toBe(true);
    // Refused: a viewer, and a plan id that is not the one reviewed.
    expect((await actOn(ref, { action: 'approve-plan', planId: plan.planId }, auditor)).status).toBe(403);
    expect((await actOn(ref, { action: 'approve-plan', planId: 'plan0000000000' })).status).toBe(409);
    await executed(ref, plan);
    const doc = await until(ref, (d) => d.plan?.verification?.finishedAt != null, 'The verification');
    expect(doc.plan!.status, JSON.stringify(doc.plan!.sources)).toBe('verified');
    expect(doc.plan!.verification).toMatchObject({ remaining: 0 });
    expect(doc.timeline.map((e) => e.action)).toEqual(
      expect.arrayContaining(['PlanProposed', 'PlanApproved', 'PlanExecutionStarted', 'PlanExecuted', 'PlanVerified']),
    );
    const closed = await actOn(ref, { action: 'close', outcome: 'completed', summary: 'We erased your data.' });
    expect(closed.status, closed.text).toBe(200);
    await stack.outboxSweeper.runOnce();
    const letter = (await emailsTo(stack.urls.ses, 'dee@example.org')).find((m) => m.subject.includes(ref) && m.subject.includes('Our response'))!;
    expect(letter.body.text).toContain('What we changed');
    expect(letter.body.text).toContain('We erased');
    expect(letter.body.text).toContain('found none of the erased records');
    expect(letter.body.text).toContain('ico.org.uk');
  }, 120_000);

  it('Ben’s erasure: his ACC-1002 account and billing records are kept until 30 June 2030, the rest erased; the letter says so', async () => {
    const ref = await searchedRequest({ rights: ['erasure'], fullName: 'Ben Example', email: 'ben@example.org' });
    const plan = await planned(ref);
    const kept = plan.lines!.filter((l) => l.action === 'keep' && l.keptUntil === '2030-06-30');
    expect(kept.length).toBeGreaterThan(0);
    expect(plan.groups.some((g) => g.action === 'keep' && g.keptUntil === '2030-06-30')).toBe(true);
    const doc = await executed(ref, plan);
    expect(['executed', 'verified']).toContain(doc.plan!.status);
    const closed = await actOn(ref, {
      action: 'close',
      outcome: 'partially-completed',
      summary: 'We erased what we could.',
      withheld: 'Your account and billing records are kept for a legal obligation.',
      keptBecause: ['legal-obligation'],
    });
    expect(closed.status, closed.text).toBe(200);
    await stack.outboxSweeper.runOnce();
    const letter = (await emailsTo(stack.urls.ses, 'ben@example.org')).find((m) => m.subject.includes(ref) && m.subject.includes('Our response'))!;
    expect(letter.body.text).toContain('kept until 30 June 2030');
    expect(letter.body.text).toContain('What we kept, and why');
  }, 120_000);

  it('Ada’s rectification of her billing contact’s name: changed in the account system, Kashflow notified, the letter names Kashflow', async () => {
    const ref = await searchedRequest({ rights: ['rectification'], fullName: 'Ada Lovelace', email: 'ada@example.org', phone: '+447700900123' });
    const plan = await planned(ref, { corrections: [{ recordType: 'billing_contact', field: 'full_name', to: 'Ada King' }] });
    const rect = plan.lines!.filter((l) => l.action === 'rectify');
    expect(rect.length).toBeGreaterThan(0);
    expect(rect.every((l) => l.recipients?.includes('kashflow'))).toBe(true);
    expect(plan.recipients.map((r) => r.recipient)).toEqual(['kashflow']);
    const doc = await executed(ref, plan);
    expect(doc.plan!.status, JSON.stringify(doc.plan!.sources)).toBe('executed');
    expect(doc.plan!.notices.map((n) => n.recipient)).toEqual(['kashflow']);
    await stack.outboxSweeper.runOnce();
    const notice = (await emailsTo(stack.urls.ses, 'support@kashflow.example')).find((m) => m.subject.includes(ref))!;
    expect(notice.body.text).toContain('Ada King');
    expect(notice.body.text).toContain(ref);
    // The case is still Icetrak's to close; the letter names Kashflow as told.
    expect((await actOn(ref, { action: 'close', outcome: 'completed', summary: 'We corrected your name.' })).status).toBe(200);
    await stack.outboxSweeper.runOnce();
    const letter = (await emailsTo(stack.urls.ses, 'ada@example.org')).find((m) => m.subject.includes(ref) && m.subject.includes('Our response'))!;
    expect(letter.body.text).toContain('Kashflow');
    expect(letter.body.text).toContain('We corrected full_name');
  }, 120_000);

  it('Ada’s restriction, lifted after her case closed: refused until she is told, then lifted from the date told; Kashflow told of both', async () => {
    const restrictedAt = async () => {
      const user = await accountsDb.query<{ at: Date | null }>('SELECT restricted_at AS at FROM account_users WHERE user_id = $1', ['USR-1001-01']);
      const contact = await accountsDb.query<{ at: Date | null }>('SELECT restricted_at AS at FROM billing_contacts WHERE contact_id = $1', [
        'BC-1001-01',
      ]);
      return { user: user.rows[0]!.at, contact: contact.rows[0]!.at };
    };
    expect(await restrictedAt()).toEqual({ user: null, contact: null });
    const ref = await searchedRequest({ rights: ['restriction'], fullName: 'Ada Lovelace', email: 'ada@example.org', phone: '+447700900123' });
    const plan = await planned(ref);
    const restricting = plan.lines!.filter((l) => l.action === 'restrict');
    expect(restricting.map((l) => l.recordId)).toEqual(
      expect.arrayContaining(['accounts:account_user:USR-1001-01', 'billing:billing_contact:BC-1001-01']),
    );
    const done = await executed(ref, plan);
    expect(done.plan!.status, JSON.stringify(done.plan!.sources)).toBe('executed');
    expect(done.restriction).toMatchObject({ records: restricting.length, plans: [{ planId: plan.planId }], lift: null });
    const marked = await restrictedAt();
    expect(marked.user).toBeInstanceOf(Date);
    expect(marked.contact).toBeInstanceOf(Date);
    await stack.outboxSweeper.runOnce();
    const kashflow = () => emailsTo(stack.urls.ses, 'support@kashflow.example').then((all) => all.filter((m) => m.subject.includes(ref)));
    const shared = restricting.filter((l) => l.recipients?.includes('kashflow')).length;
    expect(shared).toBeGreaterThan(0);
    const restrictNotice = (await kashflow()).map((m) => m.body.text).join();
    expect(restrictNotice).toContain(`${shared} to restrict.`);
    expect(restrictNotice).toContain('Restrict billing contact BC-1001-01');
    expect((await actOn(ref, { action: 'close', outcome: 'completed', summary: 'We restricted your data.' })).status).toBe(200);

    // Closed, and not yet told: the restriction stays, and the API offers only the announcement (and the case's own hold and reopening).
    expect((await get(ref)).allowedActions).toEqual(['place-hold', 'reopen', 'announce-restriction-lift']);
    const early = await actOn(ref, { action: 'lift-restriction' });
    expect(early.status, early.text).toBe(409);
    expect(early.json<{ message: string }>().message).toContain('Tell the requester first');
    const today = londonDateOf(new Date());
    const bad = await actOn(ref, { action: 'announce-restriction-lift', ground: 'sideways', reason: '', liftFrom: '2026-02-30' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json<{ errors: Record<string, string> }>().errors).sort()).toEqual(['ground', 'liftFrom', 'reason']);
    const yesterday = londonDateOf(new Date(Date.now() - 86_400_000));
    const past = await actOn(ref, { action: 'announce-restriction-lift', ground: 'other', reason: 'Because.', liftFrom: yesterday });
    expect(past.status, past.text).toBe(422);
    const told = await actOn(ref, {
      action: 'announce-restriction-lift',
      ground: 'accuracy-verified',
      reason: 'We checked your billing details with you by phone.',
      liftFrom: today,
    });
    expect(told.status, told.text).toBe(200);
    const announced = await get(ref);
    expect(announced.status).toBe('closed');
    expect(announced.restriction!.lift).toMatchObject({
      ground: 'accuracy-verified',
      liftFrom: today,
      letter: { state: 'sent' },
      planId: null,
      liftedAt: null,
    });
    const letter = (await emailsTo(stack.urls.ses, 'ada@example.org')).find((m) => m.subject.includes(ref) && m.subject.includes('going to lift'))!;
    expect(letter.body.text).toContain(`on or after ${formatLongDate(today)}`);
    expect(letter.body.text).toContain('We checked your billing details with you by phone.');
    expect(letter.body.text).toContain('ico.org.uk');

    expect(announced.allowedActions).toContain('lift-restriction');
    const lifting = await actOn(ref, { action: 'lift-restriction' });
    expect(lifting.status, lifting.text).toBe(200);
    const liftPlan = (await get(ref)).plan!;
    expect(liftPlan).toMatchObject({ kind: 'lift', status: 'proposed' });
    expect((await get(ref)).allowedActions).toContain('approve-plan');
    expect(liftPlan.lines!.map((l) => l.action)).toEqual(restricting.map(() => 'lift'));
    expect(liftPlan.lines!.map((l) => l.recordId)).toEqual(restricting.map((l) => l.recordId));
    const lifted = await executed(ref, liftPlan);
    expect(lifted.plan!.status, JSON.stringify(lifted.plan!.sources)).toBe('executed');
    expect(lifted.status).toBe('closed');
    expect(lifted.restriction!.lift!.liftedAt).not.toBeNull();
    expect(await restrictedAt()).toEqual({ user: null, contact: null });
    expect(lifted.timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['RestrictionLiftAnnounced', 'RestrictionLiftProposed', 'PlanExecuted']));
    await stack.outboxSweeper.runOnce();
    const liftNotice = (await kashflow()).map((m) => m.body.text).join();
    expect(liftNotice).toContain(`${shared} to lift the restriction on.`);
    expect(liftNotice).toContain('Lift the restriction on billing contact BC-1001-01');
    const after = (await emailsTo(stack.urls.ses, 'ada@example.org')).find((m) => m.subject.includes(ref) && m.subject.includes('have lifted'))!;
    expect(after.body.text).toContain('used again as they were before');
    // Lifted once: nothing more to lift, nor offered.
    expect(lifted.allowedActions).toEqual(['place-hold', 'reopen']);
    expect((await actOn(ref, { action: 'lift-restriction' })).status).toBe(409);
  }, 180_000);
});
