/**
 * Processor requests (issue 15; LAW.md, Controller or processor): when a case's search finds
 * message traffic, Icetrak is only the processor of it and each sending customer is its
 * controller. With one approval (the `forward` action without fields) the request goes to every
 * such customer's privacy contact (one outbox email each), the requester is told which
 * organisations hold their data and how to reach them, and each forward is recorded on the case
 * (`Case.forwards`). A request about processor data only closes as `forwarded`; a mixed one stays
 * open for Icetrak's own part.
 *
 * Pure: the search's results and the records files the use case read are passed in.
 */
import { isComplaint, type Actor, type Case } from './case';
import { MissingControllerError, SearchNotFinishedError } from './errors';
import { forwardToController, type Transition, type TransitionContext } from './lifecycle';
import { owe } from './outbox';
import type { Register } from './register';
import { caseIdentifiers, normaliseEmail, normalisePhone, type FoundRecord } from './search';

/** One customer (controller) a request was forwarded to (`Case.forwards`). */
export interface CustomerForward {
  accountId: string;
  /** The customer's name, as the account system gave it at the search. */
  name: string;
  /** Its contract's privacy contact (an email address): where the request went. */
  contact: string;
  /** How many of its traffic records matched. */
  records: number;
  /** The identifiers the customer is asked to search its own data by (the phone numbers its traffic matched on). */
  phones: string[];
  /** The search run the forward came from. */
  runId: string;
  at: string;
  by: Actor;
  /** The outbox entry of the email to the customer (`forwardMailId`). */
  mail: string;
}

/** What a forward from the search goes to: a matched customer with its privacy contact. */
export type ForwardTarget = Pick<CustomerForward, 'accountId' | 'name' | 'contact' | 'records' | 'phones'>;

/** The outbox id of the email forwarding the request to customer `accountId`: once per case and customer. */
export const forwardMailId = (accountId: string): string => `forward:${accountId}`;

export const forwardsOf = (c: Pick<Case, 'forwards'>): CustomerForward[] => c.forwards ?? [];

/**
 * The customers of the case's finished search whose message traffic matched (processor sources
 * of the register), each once with its privacy contact and the phone numbers searched. Throws
 * SearchNotFinishedError before the search has finished, MissingControllerError when it found no
 * customer, or a customer has no usable privacy contact (forward by hand, naming one).
 */
export function forwardTargets(c: Case, register: Register): ForwardTarget[] {
  const s = c.search;
  if (!s?.finishedAt) throw new SearchNotFinishedError('Search Icetrak’s systems and let the search finish before forwarding from it.');
  const byAccount = new Map<string, ForwardTarget>();
  for (const source of s.sources) {
    const role = register.systems.find((x) => x.id === source.source)?.role;
    if (role !== 'processor' || source.status !== 'done') continue;
    const phones = source.identifiers.filter((i) => i.kind === 'phone').map((i) => i.value);
    for (const m of source.customers ?? []) {
      const contact = m.privacyContact ? normaliseEmail(m.privacyContact) : undefined;
      if (!contact) {
        throw new MissingControllerError(
          `The account system gives no privacy contact for ${m.name} (${m.accountId}): forward to it by hand, naming the controller and its contact.`,
        );
      }
      const seen = byAccount.get(m.accountId);
      byAccount.set(
        m.accountId,
        seen
          ? { ...seen, records: seen.records + m.records, phones: [...new Set([...seen.phones, ...phones])] }
          : { accountId: m.accountId, name: m.name, contact, records: m.records, phones },
      );
    }
  }
  if (byAccount.size === 0) {
    throw new MissingControllerError(
      'The search found no customer’s message traffic to forward. If the request is for a customer’s data all the same, forward it by hand, naming the controller and its privacy contact.',
    );
  }
  return [...byAccount.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
}

/** The targets not yet forwarded to on this case (a retried or repeated forward goes to nobody twice). */
export function notYetForwarded(c: Pick<Case, 'forwards'>, targets: readonly ForwardTarget[]): ForwardTarget[] {
  const done = new Set(forwardsOf(c).map((f) => f.accountId));
  return targets.filter((t) => !done.has(t.accountId));
}

/** Whether a record is Rightsdesk's own record of this very request (its case record and correspondence): not a part to answer. */
export function isThisRequestsRecord(c: Pick<Case, 'reference'>, r: FoundRecord): boolean {
  return r.fields.reference === c.reference || r.fields.case === c.reference;
}

/**
 * Whether Icetrak has its own part of the request to answer, read from the finished search: a
 * controller source found records (Rightsdesk's record of this very request aside), or one's
 * result is not known (failed, or a manual source not yet searched by hand). Processor sources
 * and sources nothing identifies the person in do not count. `records(source)`: the records file
 * of a source of kind `rightsdesk` that found something (its records may all be of this request).
 */
export function icetrakPartRemains(c: Case, register: Register, records: (source: string) => readonly FoundRecord[] | undefined): boolean {
  const s = c.search;
  if (!s) return true;
  return s.sources.some((source) => {
    const system = register.systems.find((x) => x.id === source.source);
    if (!system || system.role === 'processor' || source.status === 'not-searched') return false;
    if (source.status !== 'done') return true;
    if (!source.recordCount) return false;
    if (system.connector.kind !== 'rightsdesk') return true;
    const found = records(source.source);
    return found === undefined || found.some((r) => !isThisRequestsRecord(c, r));
  });
}

/**
 * Forwards the request to `targets` (those not forwarded yet), as one lifecycle move: the
 * controllers named (forwardToController: closes the case as `forwarded`, or keeps it open when
 * Icetrak's part remains), each forward recorded on the case, and one email owed to each
 * customer's privacy contact in the same write. The audit entry counts the customers and names
 * their account ids (business accounts, not the requester's data).
 */
export function forwardToCustomers(
  c: Case,
  input: { targets: readonly ForwardTarget[]; runId: string; icetrakPartRemains: boolean },
  ctx: TransitionContext,
): Transition {
  const targets = notYetForwarded(c, input.targets);
  if (targets.length === 0) throw new MissingControllerError('The request has already been forwarded to every customer the search found.');
  const t = forwardToController(
    c,
    {
      controller: targets.map((x) => x.name).join('; '),
      contact: targets.map((x) => x.contact).join('; '),
      icetrakPartRemains: input.icetrakPartRemains,
    },
    ctx,
  );
  const added: CustomerForward[] = targets.map((x) => ({ ...x, runId: input.runId, at: ctx.at, by: ctx.actor, mail: forwardMailId(x.accountId) }));
  let next: Case = { ...t.case, forwards: [...forwardsOf(c), ...added] };
  for (const f of added) {
    next = owe(next, { id: f.mail, kind: 'customer-forward', to: 'customer', params: { accountId: f.accountId } }, ctx.at);
  }
  return {
    case: next,
    entry: {
      ...t.entry,
      detail: { ...t.entry.detail, fromSearch: input.runId, customers: added.length, accounts: added.map((f) => f.accountId).join(',') },
    },
  };
}

/**
 * Whether a new case's search starts at intake, without waiting for staff (docs/rules.md, R20):
 * a request likely to be about message traffic Icetrak processes for its customers, the person
 * said they received messages sent through Icetrak (relationship `message-recipient`) or wrote
 * from email with a phone number in the text (taken as the requester's phone) and there is a
 * phone number to search the traffic by. Not for complaints (nothing to search for).
 */
export function searchesAtIntake(c: Case): boolean {
  if (isComplaint(c) || caseIdentifiers(c).phones.length === 0) return false;
  return c.requester.relationship === 'message-recipient' || c.channel === 'email';
}

/**
 * The phone numbers in a text (an inbound email's body), normalised to E.164, each once, in order:
 * UK numbers written from 0, +44 or 0044 (10 or 9 digits after the country code), and other
 * numbers written with a + and their country code. Dates, references and account ids are not
 * numbers written like that.
 */
export function phoneNumbersIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.slice(0, 100_000).matchAll(/(?<![\w+])(?:\+|00)?\d[\d \-().]{7,18}\d(?![\w])/g)) {
    const raw = m[0];
    if (!/^(?:\+|00|0)/.test(raw)) continue;
    const p = normalisePhone(raw);
    if (!p) continue;
    if (p.startsWith('+44') ? !/^\+44\d{9,10}$/.test(p) : !/^(?:\+|00)/.test(raw)) continue;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}
