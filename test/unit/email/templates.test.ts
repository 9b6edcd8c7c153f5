import { describe, expect, it } from 'vitest';
import {
  acknowledgementEmail,
  closedUnverifiedEmail,
  confirmedEmail,
  deadlineNoticeEmail,
  emailReceivedEmail,
  newRequestNotice,
  verifyReminderEmail,
} from '#shared/templates/emails';
import { aCase } from '#test/support/cases';

const DPO = { dpoAddress: 'dpo@icetrak.net' };

describe('emails for requests that arrived by email', () => {
  it('acknowledges a confirmed email request with the due date and the rights as read from the email', () => {
    const c = aCase({
      channel: 'email',
      rights: ['access', 'erasure'],
      dueOn: '2026-12-02',
      requester: { fullName: 'Ada <b>', email: 'ada@example.org' },
    });
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
    expect(newRequestNotice(c, { deskUrl: 'https://privacy.icetrak.net/desk/cases/RD-ABC234' }).subject).toContain('New verified request: unclassified');
  });

  it('keeps the form’s wording for form requests', () => {
    expect(acknowledgementEmail(aCase(), { ...DPO, confirmUrl: 'http://x/verify/t' }).text).toContain('You asked us to:\n- Get a copy of my data');
  });
});

describe('mail to an address that has not confirmed itself', () => {
  it('greets neutrally and carries nothing the submitter typed; once confirmed, it uses the name', () => {
    const typed = 'Visit https://spam.example now';
    const unconfirmed = aCase({ status: 'awaiting_identity', requester: { fullName: typed, email: 'victim@example.org' }, details: typed });
    const mails = [
      acknowledgementEmail(unconfirmed, { ...DPO, confirmUrl: 'https://privacy.icetrak.net/verify/t' }),
      verifyReminderEmail(unconfirmed, { ...DPO, confirmUrl: 'https://privacy.icetrak.net/verify/t', closesOn: '2026-12-20' }),
      closedUnverifiedEmail({ ...unconfirmed, status: 'closed', outcome: 'closed_unverified' }, DPO),
    ];
    for (const m of mails) {
      expect(m.text.startsWith('Hello,\n')).toBe(true);
      expect(`${m.subject}${m.text}${m.html}`).not.toContain('spam.example');
    }
    const confirmed = confirmedEmail(
      { ...unconfirmed, status: 'in_progress', identityReceivedOn: '2026-11-03', requester: { fullName: 'Ada Example', email: 'a@example.org' } },
      DPO,
    );
    expect(confirmed.text.startsWith('Dear Ada Example,\n')).toBe(true);
  });
});

describe('every email, both parts', () => {
  const c = aCase({
    rights: ['access', 'complaint'],
    dueOn: '2026-12-02',
    requester: { fullName: 'Ada Example', email: 'ada@example.org', relationship: 'message-recipient' },
  });
  const confirmUrl = 'https://privacy.icetrak.net/verify/abc.def';
  const all = {
    acknowledgementEmail: acknowledgementEmail(c, { ...DPO, confirmUrl }),
    confirmedEmail: confirmedEmail(c, DPO),
    newRequestNotice: newRequestNotice(c, { deskUrl: 'https://privacy.icetrak.net/desk/cases/RD-ABC234' }),
    emailReceivedEmail: emailReceivedEmail(c, DPO),
    verifyReminderEmail: verifyReminderEmail(c, { ...DPO, confirmUrl, closesOn: '2026-12-20' }),
    closedUnverifiedEmail: closedUnverifiedEmail(c, DPO),
    deadlineNoticeEmail: deadlineNoticeEmail(
      c,
      { kind: 'overdue', workingDaysOverdue: 2 },
      { deskUrl: 'https://privacy.icetrak.net/desk/cases/RD-ABC234' },
    ),
  };

  it.each(Object.entries(all))('%s: every link is in the text part too, which has no markup', (_, mail) => {
    const hrefs = [...mail.html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]!.replace(/^mailto:/, ''));
    for (const href of hrefs) expect(mail.text).toContain(href);
    // Tag syntax only: the team notice rightly shows "Ada Example <ada@example.org>".
    expect(mail.text).not.toMatch(/<\/?[a-z][a-z0-9]*(\s[^>]*)?>|&(#\d+|[a-z]+);/i);
    expect(mail.html).toContain(`<title>${mail.subject}</title>`);
  });

  it('shows the confirmation link as its own address in both parts of the acknowledgement and the reminder', () => {
    for (const mail of [all.acknowledgementEmail, all.verifyReminderEmail]) {
      expect(mail.text).toMatch(new RegExp(`:\n${confirmUrl.replace(/\./g, '\\.')}\n`));
      expect(mail.html).toContain(`<br><a href="${confirmUrl}">${confirmUrl}</a></p>`);
    }
  });
});
