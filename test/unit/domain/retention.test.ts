/**
 * The retention schedule covers every record type (issue 13): each table pk prefix and bucket key
 * prefix the adapters and key modules write has a rule in RECORD_TYPES. A new prefix without a
 * rule fails here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERASURE_LEDGER_DAYS, erasureLedgerExpiry, RECORD_TYPES, RETENTION, ruleFor } from '#domain/retention';
import { RECORD_RETENTION_YEARS } from '#domain/lifecycle';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The sources that write keys: every adapter, the mail key module, and the reports' own keys. */
const KEY_SOURCES = [
  ...readdirSync(join(ROOT, 'shared/adapters'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `shared/adapters/${f}`),
  'shared/email/keys.ts',
  'shared/reports/run.ts',
];

/** Table pk prefixes: a string or template literal starting `UPPER#` (`CASE#${id}`). */
const tablePrefixes = (source: string) => [...source.matchAll(/[`'"]([A-Z][A-Z_]*#)/g)].map((m) => m[1] ?? '');
/** Bucket key prefixes: a literal `lower/` that ends there or goes on with a placeholder (`messages/${caseId}`, 'inbound/'). */
const bucketPrefixes = (source: string) => [...source.matchAll(/[`'"]([a-z][a-z-]*\/)(?=\$\{|['"])/g)].map((m) => m[1] ?? '');

describe('the retention schedule', () => {
  it('has a rule for every table pk prefix the adapters write', () => {
    const found = new Set(KEY_SOURCES.flatMap((f) => tablePrefixes(read(f))));
    expect([...found].sort()).toEqual(expect.arrayContaining(['CASE#', 'RATE#', 'REPORT#', 'SESSION#', 'SIGNIN#', 'SUBMISSION#']));
    expect([...found].filter((p) => ruleFor('table', p) === undefined)).toEqual([]);
  });

  it('has a rule for every bucket key prefix the key modules write', () => {
    const found = new Set(KEY_SOURCES.flatMap((f) => bucketPrefixes(read(f))));
    expect([...found].sort()).toEqual(expect.arrayContaining(['attachments/', 'inbound/', 'messages/', 'reports/']));
    const covered = (p: string) => (['rawMail', 'files', 'reports'] as const).some((store) => ruleFor(store, p) !== undefined);
    expect([...found].filter((p) => !covered(p))).toEqual([]);
  });

  it('the scan itself sees a prefix without a rule', () => {
    expect(tablePrefixes('const k = `AUDITLOG#${id}`;')).toEqual(['AUDITLOG#']);
    expect(ruleFor('table', 'AUDITLOG#')).toBeUndefined();
    expect(bucketPrefixes('const k = `scratch/${id}`;')).toEqual(['scratch/']);
    expect(ruleFor('files', 'scratch/')).toBeUndefined();
  });

  it('states every rule in full, once per prefix', () => {
    for (const r of RECORD_TYPES) {
      expect([r.record, r.from, r.period, r.reason, r.deletedBy].every((t) => t.trim().length > 0)).toBe(true);
      expect(r.store === 'icetrak' || r.prefix !== undefined).toBe(true);
    }
    const keys = RECORD_TYPES.filter((r) => r.prefix !== undefined).map((r) => `${r.store}:${r.prefix ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps case records six years and rejected intake ninety days by default, from one source', () => {
    expect(RETENTION).toEqual({ caseYears: 6, rejectedDays: 90, accountabilityYears: 6 });
    expect(ERASURE_LEDGER_DAYS).toBe(400);
    expect(RECORD_RETENTION_YEARS).toBe(RETENTION.caseYears);
  });

  it('keeps an erasure ledger entry ERASURE_LEDGER_DAYS from the erasure, under its own rule', () => {
    expect(erasureLedgerExpiry('2026-12-02T11:00:00.000Z')).toBe(Date.parse('2028-01-06T11:00:00.000Z') / 1000);
    expect(() => erasureLedgerExpiry('soon')).toThrow(RangeError);
    expect(ruleFor('table', 'ERASURE#c1#p1#accounts')?.deletedBy).toMatch(/erasureLedgerExpiry/);
  });

  it('states Icetrak’s own rule for customer-account records: seven years after the account closes', () => {
    const account = RECORD_TYPES.find((r) => r.store === 'icetrak' && r.record.includes('customer-account'));
    expect(account).toMatchObject({ from: 'the customer account closes' });
    expect(account?.period).toMatch(/^7 years/);
  });
});
