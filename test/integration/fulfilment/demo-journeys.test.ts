/**
 * Issue 14's "done when", end to end on the local stack as `npm start` runs it (the demo data
 * loaded: Icetrak's account system in PGlite behind `pg`, its message traffic as Parquet in the
 * local S3 searched by DuckDB with the Athena SQL): the staff API logs a request, the `search`
 * action runs the synthesised search workflow on the real task handlers, and the case shows each
 * source's result. Ada's access request finds her account-system, billing and Rightsdesk records;
 * Cara's finds traffic from two customers as processor data (never disclosed as Icetrak's).
 */
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentEmails } from '#test/support/http';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { londonDateOf } from '#domain/calendar';
import { bearerFor, staffCall } from '#test/support/staff';

let stack: LocalStack;
let dpo: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, icetrak: true, log: () => undefined });
  dpo = await bearerFor(stack, 'dpo.lead@icetrak.net');
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const call = (path: string, opts: { method?: string; body?: unknown } = {}) => staffCall(stack, path, dpo, opts);
const actOn = (ref: string, body: Record<string, unknown>) => call(`/api/cases/${ref}/actions`, { method: 'POST', body });

interface Search {
  source: string;
  status: string;
  identifiers: Array<{ kind: string; value: string }>;
  recordCount: number | null;
  customers?: Array<{ accountId: string; name: string; records: number }>;
  failure?: string;
}
interface Doc {
  searches: Search[];
  searchRun: { finishedAt: string | null } | null;
}

async function logRequest(body: Record<string, unknown>): Promise<string> {
  const res = await call('/api/cases', { method: 'POST', body: { channel: 'email', receivedOn: londonDateOf(new Date()), ...body } });
  expect(res.status, res.text).toBe(201);
  const ref = res.json<{ reference: string }>().reference;
  expect((await actOn(ref, { action: 'confirm-identity', method: 'Replied from the address on the account' })).status).toBe(200);
  return ref;
}

async function searched(ref: string, extra: Record<string, unknown> = {}): Promise<Record<string, Search>> {
  const started = await actOn(ref, { action: 'search', ...extra });
  expect(started.status, started.text).toBe(200);
  for (let i = 0; i < 300; i++) {
    const doc = (await call(`/api/cases/${ref}`)).json<Doc>();
    if (doc.searchRun?.finishedAt) return Object.fromEntries(doc.searches.map((s) => [s.source, s]));
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('The search did not finish.');
}

describe('demo journeys (issue 14)', () => {
  it('Ada’s access request: her account-system, billing and Rightsdesk records, and her messages as processor data of Malvern Dental', async () => {
    const ref = await logRequest({
      rights: ['access'],
      fullName: 'Ada Lovelace',
      email: 'ada@example.org',
      phone: '+447700900123',
      relationship: 'customer',
    });
    const by = await searched(ref);
    expect(by.accounts).toMatchObject({ status: 'done', identifiers: expect.arrayContaining([{ kind: 'email', value: 'ada@example.org' }]) });
    // Her account user and her sign-ins.
    expect(by.accounts!.recordCount).toBeGreaterThanOrEqual(2);
    // Her billing contact and her invoices (the register names Kashflow as their recipient).
    expect(by.billing).toMatchObject({ status: 'done' });
    expect(by.billing!.recordCount).toBeGreaterThanOrEqual(2);
    expect(by.rightsdesk).toMatchObject({ status: 'done' });
    expect(by.rightsdesk!.recordCount).toBeGreaterThanOrEqual(1);
    expect(by.traffic, by.traffic?.failure).toMatchObject({ status: 'done', identifiers: [{ kind: 'phone', value: '+447700900123' }] });
    expect(by.traffic!.customers).toEqual([{ accountId: 'ACC-1001', name: 'Malvern Dental Practice', records: 3 }]);
    expect(by['support-files']!.status).toBe('awaiting-staff');

    // The answer: prepared from the search, released, and downloaded by Ada through the mailed link.
    const prepared = await actOn(ref, { action: 'prepare-export', kind: 'access' });
    expect(prepared.status, prepared.text).toBe(200);
    expect(prepared.json<{ export: { recordsBySource: Record<string, number>; processorRecordsWithheld: number } }>().export).toMatchObject({
      recordsBySource: { accounts: by.accounts!.recordCount, billing: by.billing!.recordCount, rightsdesk: by.rightsdesk!.recordCount },
      processorRecordsWithheld: 3,
    });
    expect((await actOn(ref, { action: 'release-export' })).status).toBe(200);
    const linkRe = new RegExp(`${stack.urls.api}/export/[A-Za-z0-9_.%-]+`);
    let link: string | undefined;
    for (let i = 0; i < 50 && !link; i++) {
      const mails = (await sentEmails(stack.urls.ses)).filter((m) => m.destination.to.includes('ada@example.org') && (m.subject ?? '').includes(ref));
      link = mails.map((m) => linkRe.exec(m.body.text ?? '')?.[0]).find((l) => l !== undefined);
      if (!link) await new Promise((r) => setTimeout(r, 200));
    }
    expect(link, 'the export-ready letter with its link').toBeDefined();
    expect((await fetch(link!)).status).toBe(200);
    const zip = await fetch(link!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(zip.status).toBe(200);
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['data.json', 'index.html', 'cover-letter.html', 'accounts.csv', 'billing.csv', 'rightsdesk.csv']),
    );
    const data = strFromU8(files['data.json']!);
    expect(data).toContain('ada@example.org');
    expect(data).toContain('Malvern Dental Practice');
    expect(data).not.toContain('+447700900456');
    const letter = strFromU8(files['cover-letter.html']!);
    for (const needle of ['Kashflow', '7 years', 'Information Commissioner', 'rectification', 'erasure', 'restriction', 'object', 'UK'])
      expect(letter).toContain(needle);
  }, 120_000);

  it('Cara’s request: no account of hers, traffic from two customers, each named for forwarding', async () => {
    const ref = await logRequest({ rights: ['access', 'erasure'], fullName: 'Cara Jones', email: 'cara@example.org', relationship: 'message-recipient' });
    const by = await searched(ref, { phones: ['07700 900456'] });
    expect(by.accounts).toMatchObject({ status: 'done', recordCount: 0 });
    expect(by.billing).toMatchObject({ status: 'done', recordCount: 0 });
    expect(by.traffic).toMatchObject({ status: 'done', recordCount: 8 });
    expect(by.traffic!.customers).toEqual(
      expect.arrayContaining([
        { accountId: 'ACC-1001', name: 'Malvern Dental Practice', records: 5 },
        { accountId: 'ACC-1002', name: 'Worcester Taxis', records: 3 },
      ]),
    );
    expect(by.traffic!.customers).toHaveLength(2);
  }, 120_000);
});
