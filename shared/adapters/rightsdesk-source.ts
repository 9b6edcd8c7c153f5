/**
 * RightsdeskSource: Rightsdesk's own records as a search source (issue 14; register system
 * `rightsdesk`): the cases this person made (by requester email, through the cases table's
 * requester index, never a Scan) and the correspondence of each, summarised (what was sent or
 * received, and when; never the bodies). Icetrak is controller for these; the current case is
 * included, since it is personal data Rightsdesk holds too.
 */
import type { Case } from '#domain/case';
import type { FoundRecord } from '#domain/search';
import type { CaseStore, SourceConnector } from '#shared/ports';
import type { IdentifierUse } from '#domain/search';

export class RightsdeskSource implements SourceConnector {
  constructor(
    private readonly cases: Pick<CaseStore, 'listByRequesterEmail'>,
    private readonly source = 'rightsdesk',
  ) {}

  async find(identifiers: readonly IdentifierUse[]): Promise<FoundRecord[]> {
    const seen = new Set<string>();
    const out: FoundRecord[] = [];
    for (const id of identifiers) {
      if (id.kind !== 'email') continue;
      for (const c of await this.cases.listByRequesterEmail(id.value)) {
        if (seen.has(c.id)) continue;
        seen.add(c.id);
        out.push(this.caseRecord(c), ...this.correspondence(c));
      }
    }
    return out;
  }

  private record(recordType: string, key: string, fields: FoundRecord['fields'], providedByPerson: boolean): FoundRecord {
    return {
      id: `${this.source}:${recordType}:${key}`,
      source: this.source,
      recordType,
      key,
      role: 'controller',
      matchedBy: 'email',
      providedByPerson,
      fields,
    };
  }

  private caseRecord(c: Case): FoundRecord {
    const r = c.requester;
    return this.record(
      'case',
      c.reference,
      {
        reference: c.reference,
        received_on: c.receivedOn,
        channel: c.channel,
        rights: c.rights.join(', '),
        status: c.status,
        outcome: c.outcome ?? null,
        responded_on: c.respondedOn ?? null,
        full_name: r.fullName,
        email: r.email || null,
        phone: r.phone ?? null,
        postal_address: r.postalAddress ?? null,
        account_reference: r.accountReference ?? null,
      },
      true,
    );
  }

  /** One record per message in or out: its date, direction and kind, never its text. */
  private correspondence(c: Case): FoundRecord[] {
    const incoming = c.audit
      .filter((e) => e.action === 'EmailReceived' || e.action === 'CorrespondenceReceived')
      .map((e, i) => this.record('correspondence', `${c.reference}:in:${i + 1}`, { case: c.reference, direction: 'in', kind: 'email', at: e.at }, true));
    const outgoing = (c.outbox ?? [])
      .filter((m) => m.to === 'requester' && m.state === 'sent')
      .map((m) =>
        this.record('correspondence', `${c.reference}:out:${m.id}`, { case: c.reference, direction: 'out', kind: m.kind, at: m.sentAt ?? null }, false),
      );
    return [...incoming, ...outgoing];
  }
}
