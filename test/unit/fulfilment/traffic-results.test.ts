import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { athenaCsv } from '#infra/local/athena-local';
import { isoInstant, parseCsv, recordsByCustomer, TrafficResultsError, trafficRecords } from '#shared/fulfilment/traffic-results';

const HEADER = '"message_id","account_id","channel","sender","recipient","sent_at","status","day"';

describe('parseCsv (Athena’s CSV)', () => {
  it('reads quoted fields with commas, doubled quotes and newlines', () => {
    expect(parseCsv('"a","b,c","say ""hi""","line\none"\n')).toEqual([['a', 'b,c', 'say "hi"', 'line\none']]);
  });

  it('reads an unquoted empty field as NULL and a quoted one as the empty string', () => {
    expect(parseCsv('"x",,""\n')).toEqual([['x', null, '']]);
    expect(parseCsv('"x",\n')).toEqual([['x', null]]);
  });

  it('takes \\r\\n line ends and a last line without one', () => {
    expect(parseCsv('"a","b"\r\n"c","d"')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('reads unquoted values', () => {
    expect(parseCsv('a,b\n1,2\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads an empty file as no rows', () => {
    expect(parseCsv('')).toEqual([]);
  });

  it('refuses a file that ends inside a quoted field (truncated), and text after a closing quote', () => {
    expect(() => parseCsv('"a","b\n')).toThrow(TrafficResultsError);
    expect(() => parseCsv('"a"x,"b"\n')).toThrow(TrafficResultsError);
  });

  it('reads back whatever the Athena-style writer writes', () => {
    const value = fc.option(fc.string({ unit: fc.constantFrom('a', 'Z', '0', ',', '"', '\n', '\r', ' ', 'é') }), { nil: null });
    fc.assert(
      fc.property(fc.array(fc.array(value, { minLength: 2, maxLength: 2 }), { maxLength: 5 }), (rows) => {
        expect(parseCsv(athenaCsv(['c1', 'c2'], rows))).toEqual([['c1', 'c2'], ...rows]);
      }),
    );
  });
});

describe('isoInstant', () => {
  it.each([
    ['2025-03-04 10:15:00.000', '2025-03-04T10:15:00.000Z'],
    ['2025-03-04 10:15:00', '2025-03-04T10:15:00.000Z'],
    ['2025-03-04 10:15:00.5', '2025-03-04T10:15:00.500Z'],
    ['2025-03-04 10:15:00.123456', '2025-03-04T10:15:00.123Z'],
  ])('reads %s as %s', (raw, iso) => expect(isoInstant(raw)).toBe(iso));

  it('refuses what is not a timestamp', () => expect(() => isoInstant('yesterday')).toThrow(TrafficResultsError));
});

describe('trafficRecords', () => {
  const csv = [
    HEADER,
    '"MD00000001","ACC-1001","sms","MalvernDent","+447700900456","2026-01-16 09:11:00.000","delivered","2026-01-16"',
    '"MD00000006","ACC-1002","sms","WorcsTaxis","+447700900456","2023-02-14 18:16:00.000","delivered","2023-02-14"',
    '"MD00000009","ACC-1001","fax",,"+447700900456","2026-02-01 08:00:00.000","failed","2026-02-01"',
    '',
  ].join('\n');

  it('makes one processor record of the sending customer per row, matched by phone, not provided by the person', () => {
    const records = trafficRecords(csv);
    expect(records).toHaveLength(3);
    expect(records[0]).toEqual({
      id: 'traffic:message:MD00000001',
      source: 'traffic',
      recordType: 'message',
      key: 'MD00000001',
      accountId: 'ACC-1001',
      role: 'processor',
      matchedBy: 'phone',
      providedByPerson: false,
      fields: {
        message_id: 'MD00000001',
        account_id: 'ACC-1001',
        channel: 'sms',
        sender: 'MalvernDent',
        recipient: '+447700900456',
        sent_at: '2026-01-16T09:11:00.000Z',
        status: 'delivered',
        day: '2026-01-16',
      },
    });
    expect(records[2]!.fields['sender']).toBeNull();
  });

  it('names the register system it searched', () => {
    expect(trafficRecords(csv, 'sms-traffic')[0]).toMatchObject({ id: 'sms-traffic:message:MD00000001', source: 'sms-traffic' });
  });

  it('counts the records per customer, by account id', () => {
    expect(recordsByCustomer(trafficRecords(csv))).toEqual([
      { accountId: 'ACC-1001', records: 2 },
      { accountId: 'ACC-1002', records: 1 },
    ]);
  });

  it('reads a results file with no rows (Buffer or text) as no records', () => {
    expect(trafficRecords(Buffer.from(`${HEADER}\n`))).toEqual([]);
  });

  it('refuses another query’s results, a short row and a row without its message id', () => {
    expect(() => trafficRecords('"a","b"\n"1","2"\n')).toThrow(/header/);
    expect(() => trafficRecords(`${HEADER}\n"MD1","ACC-1001"\n`)).toThrow(TrafficResultsError);
    expect(() => trafficRecords(`${HEADER}\n,"ACC-1001","sms","x","+447700900456","2026-01-16 09:11:00.000","delivered","2026-01-16"\n`)).toThrow(
      TrafficResultsError,
    );
  });
});
