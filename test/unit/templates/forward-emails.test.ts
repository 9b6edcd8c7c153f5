/** Issue 15: the email forwarding a request to a customer, and the requester's letter naming the customers; everything escaped. */
import { describe, expect, it } from 'vitest';
import type { CustomerForward } from '#domain/forwarding';
import { customerForwardEmail } from '#shared/templates/forward-emails';
import { letter } from '#shared/templates/letters';
import { aCase } from '#test/support/cases';

const forward = (over: Partial<CustomerForward> = {}): CustomerForward => ({
  accountId: 'ACC-1002',
  name: 'Worcester <Taxis>',
  contact: 'dpo@worcestertaxis.example',
  records: 3,
  phones: ['+447700900456'],
  runId: 'run0000000001',
  at: '2026-12-02T11:00:00Z',
  by: 'staff:dpo@icetrak.net',
  mail: 'forward:ACC-1002',
  ...over,
});

describe('customerForwardEmail', () => {
  it('says what was asked, who asked, the numbers to search, our reference and that the deadline is the customer’s own', () => {
    const c = aCase({ rights: ['access', 'erasure'], requester: { fullName: 'Cara <b>Jones</b>', email: 'cara@example.org' } });
    const mail = customerForwardEmail(c, forward(), { dpoAddress: 'dpo@icetrak.net' });
    expect(mail.subject).toBe(`[${c.reference}] A data protection request about messages Worcester <Taxis> sent through Icetrak`);
    for (const needle of [
      'Icetrak account ACC-1002',
      'access to their personal data',
      'erasure (Art. 17)',
      'Cara <b>Jones</b>',
      'cara@example.org',
      'Phone number: +447700900456',
      '3 message records',
      'The deadline is your own',
      '2 November 2026',
      c.reference,
    ])
      expect(mail.text, needle).toContain(needle);
    expect(mail.html).toContain('Worcester &lt;Taxis&gt;');
    expect(mail.html).toContain('Cara &lt;b&gt;Jones&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Jones</b>');
  });
});

describe('the forwarded-to-customers letter', () => {
  it('names each organisation forwarded to now and how to reach it; closes or keeps Icetrak’s part as the action decided', () => {
    const c = aCase({
      forwards: [
        forward({ accountId: 'ACC-1001', name: 'Malvern Dental Practice', contact: 'privacy@malverndental.example' }),
        forward(),
        forward({ accountId: 'ACC-1003', name: 'Earlier Ltd', contact: 'old@earlier.example' }),
      ],
    });
    const closing = letter(c, 'forwarded-to-customers', { accounts: 'ACC-1001,ACC-1002', icetrakPartRemains: false }, { dpoAddress: 'dpo@icetrak.net' });
    for (const needle of [
      'Malvern Dental Practice',
      'privacy@malverndental.example',
      'Worcester <Taxis>',
      'dpo@worcestertaxis.example',
      'closes your request with us',
    ])
      expect(closing.text).toContain(needle);
    expect(closing.text).not.toContain('Earlier Ltd');
    expect(closing.html).toContain('Worcester &lt;Taxis&gt;');
    const open = letter(c, 'forwarded-to-customers', { accounts: 'ACC-1002', icetrakPartRemains: true }, { dpoAddress: 'dpo@icetrak.net' });
    expect(open.text).toContain('We will answer the rest of your request ourselves');
    expect(open.text).not.toContain('Malvern Dental Practice');
  });
});
