/** The desk's letters: what the law needs each to say, and the staff's own words escaped. */
import { describe, expect, it } from 'vitest';
import { LETTER_KINDS, LETTER_TITLES, isLetterKind, letter } from '#shared/templates/letters';
import { deadlineNoticeEmail, newRequestNotice } from '#shared/templates/emails';
import { aCase } from '#test/support/cases';

const opts = { dpoAddress: 'dpo@icetrak.net' };

describe('letters', () => {
  it('every kind has a title, carries [REF] in its subject and greets the requester by name', () => {
    const c = aCase();
    for (const kind of LETTER_KINDS) {
      const l = letter(
        c,
        kind,
        { message: 'm', question: 'q', reasons: 'r', summary: 's', done: 'd', controller: 'Acme', contact: 'privacy@acme.test' },
        opts,
      );
      expect(l.subject).toBe(`[${c.reference}] ${LETTER_TITLES[kind]}`);
      expect(l.text).toContain(`Dear ${c.requester.fullName},`);
      expect(l.text).toContain('dpo@icetrak.net');
    }
    expect(isLetterKind('refusal')).toBe(true);
    expect(isLetterKind('toString')).toBe(false);
  });

  it('a refusal states the ground, the reasons, and the rights to complain to Icetrak, to the ICO and to a court', () => {
    const l = letter(aCase(), 'refusal', { ground: 'manifestly-excessive', reasons: 'The same request, weekly, for a year.' }, opts);
    expect(l.text).toContain('manifestly excessive');
    expect(l.text).toContain('The same request, weekly, for a year.');
    expect(l.text).toMatch(/complain to us/);
    expect(l.text).toMatch(/Information Commissioner/);
    expect(l.text).toMatch(/judicial remedy/);
  });

  it('an extension gives the reasons and the new date; a late clarification says it changes nothing', () => {
    const c = aCase({ extended: true, dueOn: '2027-02-02' });
    const ext = letter(c, 'extension', { reasons: 'Ten years of fax logs.' }, opts);
    expect(ext.text).toContain('Ten years of fax logs.');
    expect(ext.text).toContain('Tuesday 2 February 2027');
    expect(letter(c, 'clarification-request', { question: 'Which account?', late: true }, opts).text).toMatch(/already late/);
    expect(letter(c, 'clarification-request', { question: 'Which account?', late: false }, opts).text).toMatch(/paused/);
  });

  it('escapes what staff typed in the HTML part', () => {
    const l = letter(aCase(), 'reply', { message: '<script>alert(1)</script> & <b>bold</b>' }, opts);
    expect(l.html).not.toContain('<script>');
    expect(l.html).toContain('&lt;script&gt;');
    expect(l.text).toContain('<script>alert(1)</script>'); // the text part is plain text
  });

  it('the team’s complaint reminder names the 30-day limit, and every team notice links to the case on the desk', () => {
    const c = aCase({ rights: ['complaint'] });
    const deskUrl = `https://privacy.icetrak.net/desk/cases/${c.reference}`;
    const early = deadlineNoticeEmail(c, { kind: 'complaint-ack-reminder', acknowledgeBy: '2026-12-02', workingDaysLeft: 5 }, { deskUrl });
    expect(early.subject).toBe(`[${c.reference}] Complaint to acknowledge by Wednesday 2 December 2026`);
    expect(early.text).toContain('5 working days from now');
    expect(deadlineNoticeEmail(c, { kind: 'complaint-ack-reminder', acknowledgeBy: '2026-12-02', workingDaysLeft: 0 }, { deskUrl }).text).toContain(
      'last working day',
    );
    for (const mail of [early, newRequestNotice(c, { deskUrl }), deadlineNoticeEmail(c, { kind: 'due-today' }, { deskUrl })]) {
      expect(mail.text).toContain(deskUrl);
      expect(mail.html).toContain(`href="${deskUrl}"`);
    }
  });
});
