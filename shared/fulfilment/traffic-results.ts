/**
 * The traffic query's results (the CSV Athena writes to `<QueryExecutionId>.csv`, and the same
 * file athena-local writes) as records found. Icetrak is the customers' processor for traffic:
 * every record is a processor record of the sending customer (the controller), never disclosed as
 * Icetrak's own data; the search shows which customers' traffic matched, and part 2 forwards it.
 */
import type { FoundRecord, MatchedCustomer } from '#domain/search';
import { TRAFFIC_RESULT_COLUMNS } from './traffic-query';

export class TrafficResultsError extends Error {
  override readonly name = 'TrafficResultsError';
}

/**
 * Rows of a CSV file as Athena writes it (RFC 4180): fields separated by commas, a quoted field
 * may hold commas, newlines and doubled quotes; Athena quotes every value and leaves NULL as an
 * empty, unquoted field, so an unquoted empty field is null and a quoted empty one is ''.
 * Lines end in \n or \r\n. A quote left open is an error (a truncated file must not read as fewer records).
 */
export function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(quoted || field !== '' ? field : null);
    field = '';
    quoted = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '' && !quoted) {
      // A quoted field: read to its closing quote ("" is one quote).
      quoted = true;
      i += 1;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) throw new TrafficResultsError('The results file ends inside a quoted field.');
        field += text.slice(i, close);
        if (text[close + 1] === '"') {
          field += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
        throw new TrafficResultsError('Text after a closing quote in the results file.');
    } else if (c === ',') {
      endField();
      i += 1;
    } else if (c === '\n' || c === '\r') {
      endField();
      rows.push(row);
      row = [];
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      if (quoted) throw new TrafficResultsError('Text after a closing quote in the results file.');
      field += c;
      i += 1;
    }
  }
  if (field !== '' || quoted || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}

/** A TIMESTAMP as Athena (`2025-03-04 10:15:00.000`) or DuckDB (`2025-03-04 10:15:00`) prints it, as an ISO instant (UTC). */
export function isoInstant(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,9})?Z?$/.exec(value);
  const [, day, time, fraction] = m ?? [];
  if (!day || !time) throw new TrafficResultsError('A sent_at value in the results is not a timestamp.');
  return `${day}T${time}.${(fraction ?? '.000').slice(1).padEnd(3, '0').slice(0, 3)}Z`;
}

/** The records the traffic query found, from its results CSV (header row first, TRAFFIC_RESULT_COLUMNS). */
export function trafficRecords(csv: string | Buffer, source = 'traffic'): FoundRecord[] {
  const [header, ...rows] = parseCsv(typeof csv === 'string' ? csv : csv.toString('utf8'));
  if (!header || header.join(',') !== TRAFFIC_RESULT_COLUMNS.join(',')) {
    throw new TrafficResultsError(`The results file's header is not ${TRAFFIC_RESULT_COLUMNS.join(',')}.`);
  }
  return rows
    .filter((r) => !(r.length === 1 && r[0] === null)) // a blank line
    .map((r) => {
      if (r.length !== TRAFFIC_RESULT_COLUMNS.length) throw new TrafficResultsError('A results row has the wrong number of fields.');
      const [messageId, accountId, channel, sender, recipient, sentAt, status, day] = r;
      if (!messageId || !accountId || !recipient || !sentAt)
        throw new TrafficResultsError('A results row lacks its message id, account, recipient or time.');
      return {
        id: `${source}:message:${messageId}`,
        source,
        recordType: 'message',
        key: messageId,
        accountId,
        role: 'processor',
        matchedBy: 'phone',
        providedByPerson: false,
        fields: {
          message_id: messageId,
          account_id: accountId,
          channel: channel ?? null,
          sender: sender ?? null,
          recipient,
          sent_at: isoInstant(sentAt),
          status: status ?? null,
          day: day ?? null,
        },
      } satisfies FoundRecord;
    });
}

/** How many records each sending customer's traffic holds, by account id (MatchedCustomer without the name, which the account directory gives). */
export function recordsByCustomer(records: readonly FoundRecord[]): Omit<MatchedCustomer, 'name'>[] {
  const counts = new Map<string, number>();
  for (const r of records) if (r.accountId) counts.set(r.accountId, (counts.get(r.accountId) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([accountId, n]) => ({ accountId, records: n }));
}
