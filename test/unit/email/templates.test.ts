import { describe, expect, it } from 'vitest';
import { acknowledgementEmail, emailReceivedEmail, newRequestNotice } from '../../../shared/templates/emails';
import { aCase } from '../../support/cases';

const DPO = { dpoAddress: 'dpo@icetrak.net' };

describe('emails for requests that arrived by email', () => {
  it('acknowledges a confirmed email request with the due date and the rights as read from the email', () => {
    const c = aCase({ channel: 'email', rights: ['access', 'erasure'], dueOn: '2026-12-02', requester: { fullName: 'Ada <b>', email: 'ada@example.org' } });
    const mail = emailReceivedEmail(c, DPO);
    expect(mail.subject).toBe(`[${c.reference}] We have received your request - we will reply by Wednesday 2 December 2026`);
    expect(mail.text).toContain('We have read your email as a request to:\n- Get a copy of my data\n- Delete my data');
    expect(mail.text).not.toContain('/verify/');
    expect(mail.html).toContain('Ada &lt;b&gt;');
  });

  it('tells an unclassified requester that a person will read the email, in both acknowledgements', () => {
    const c = aCase({ channel: 'email', rights: [] });
    for (const mail of [emailReceivedEmail(c, DPO), acknowledgementEmail(c, { ...DPO, confirmUrl: 'http://x/verify/t' })]) {
      expect(mail.text).toContain('We will read your email and contact you');
      expect(mail.text).not.toContain('You asked us to');
    }
    expect(newRequestNotice(c).subject).toContain('New verified request: unclassified');
  });

  it('keeps the form’s wording for form requests', () => {
    expect(acknowledgementEmail(aCase(), { ...DPO, confirmUrl: 'http://x/verify/t' }).text).toContain('You asked us to:\n- Get a copy of my data');
  });
});
