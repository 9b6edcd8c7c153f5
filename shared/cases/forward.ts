/**
 * The `forward` action without fields (issue 15): the request forwarded, with one approval, to
 * every customer whose message traffic the case's finished search matched (shared/domain/forwarding.ts).
 * In one conditional write: the forwards recorded, one email owed to each customer's privacy
 * contact, the requester's letter naming each organisation, and the case closed as `forwarded`
 * (processor data only) or kept open for Icetrak's part. Then the mail is sent (the fast path;
 * the sweep sends what is left).
 *
 * Idempotent: a retried or repeated forward sends nobody anything twice. When every customer the
 * search found has been forwarded to already, nothing is written and the case is answered as it
 * is; each customer's email has a stable outbox id (`forward:<accountId>`).
 */
import type { Case } from '#domain/case';
import { forwardMailId, forwardTargets, forwardToCustomers, icetrakPartRemains, notYetForwarded } from '#domain/forwarding';
import { owe } from '#domain/outbox';
import type { FoundRecord, SourceRecordsFile } from '#domain/search';
import { actorOf, type Staff } from '#shared/auth/staff';
import { deliver } from '#shared/core/outbox';
import type { DeskActDeps } from './deps';

export async function forwardFromSearch(found: Case, input: { icetrakPartRemains: boolean }, staff: Staff, deps: DeskActDeps): Promise<Case> {
  if (!deps.fulfilment) throw new Error('This handler cannot forward from the search: it was not given the files bucket and the register.');
  const { register, files } = deps.fulfilment;
  // The rules first (search finished, customers with contacts): nothing is read or written otherwise.
  if (notYetForwarded(found, forwardTargets(found, register)).length === 0) return found;

  // Rightsdesk's own records may all be of this very request: read them to tell (a small file).
  const records = new Map<string, FoundRecord[]>();
  for (const s of found.search?.sources ?? []) {
    const system = register.systems.find((x) => x.id === s.source);
    if (system?.connector.kind !== 'rightsdesk' || s.status !== 'done' || !s.resultKey) continue;
    const file = JSON.parse((await files.get(s.resultKey)).toString('utf8')) as SourceRecordsFile;
    records.set(s.source, file.records);
  }

  const at = deps.clock.now().toISOString();
  const ctx = { at, actor: actorOf(staff) };
  const owed: string[] = [];
  let nothingToDo = false;
  const written = await deps.cases
    .update(
      found.id,
      (cur) => {
        owed.length = 0;
        const targets = notYetForwarded(cur, forwardTargets(cur, register));
        if (targets.length === 0) {
          nothingToDo = true;
          throw new AlreadyForwarded();
        }
        const remains = input.icetrakPartRemains || icetrakPartRemains(cur, register, (source) => records.get(source));
        const t = forwardToCustomers(cur, { targets, runId: cur.search!.runId, icetrakPartRemains: remains }, ctx);
        const letterId = `letter:forwarded-to-customers:${cur.version}`;
        const accounts = targets.map((x) => x.accountId).join(',');
        const next = owe(
          t.case,
          { id: letterId, kind: 'letter', to: 'requester', params: { letter: 'forwarded-to-customers', accounts, icetrakPartRemains: remains } },
          at,
        );
        owed.push(...targets.map((x) => forwardMailId(x.accountId)), letterId);
        return { case: next, entry: { ...t.entry, detail: { ...t.entry.detail, letter: letterId } } };
      },
      { current: found },
    )
    .catch(async (err: unknown) => {
      if (err instanceof AlreadyForwarded && nothingToDo) return deps.cases.get(found.id);
      throw err;
    });
  return owed.length ? deliver(written, owed, deps.outbox) : written;
}

/** Thrown inside the conditional update to abandon it: a concurrent forward went first. */
class AlreadyForwarded extends Error {}
