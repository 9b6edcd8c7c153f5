/** The desk's letters: what the law needs each to say, and the staff's own words escaped. */
import { describe, expect, it } from 'vitest';
import { LETTER_KINDS, LETTER_TITLES, isLetterKind, letter } from '#shared/templates/letters';
import { deadlineNoticeEmail, newRequestNotice } from '#shared/templates/emails';
import { recipientNoticeEmail } from '#shared/templates/recipient-notice';
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

  it('the restriction-lift letter says, before the lift, what was restricted and since when, from which date, why, what it means, and how to object or complain', () => {
    const l = letter(
      aCase(),
      'restriction-lift',
      {
        ground: 'accuracy-verified',
        reason: 'We checked your <b>billing</b> details & found them right.',
        liftFrom: '2026-12-09',
        restrictedOn: '2026-11-02',
        records: 3,
      },
      opts,
    );
    expect(l.subject).toContain('We are going to lift the restriction on your data');
    expect(l.text).toContain('we restricted 3 of your records on Monday 2 November 2026');
    expect(l.text).toContain('we will lift the restriction on or after Wednesday 9 December 2026');
    expect(l.text).toContain('we have checked the accuracy of your data, which you contested');
    expect(l.text).toContain('We checked your <b>billing</b> details & found them right.');
    expect(l.text).toContain('used again as they were before');
    expect(l.text).toContain('reply before Wednesday 9 December 2026');
    expect(l.text).toMatch(/object to how we use your data/);
    expect(l.text).toContain('ico.org.uk');
    expect(l.html).not.toContain('<b>billing</b>');
    expect(l.html).toContain('&lt;b&gt;billing&lt;/b&gt; details &amp; found');
    // A ground it does not know, and no dates: the letter still reads, and says nothing false.
    const odd = letter(aCase(), 'restriction-lift', { ground: 'sideways', reason: 'x', liftFrom: 'soon', records: 1 }, opts);
    expect(odd.text).toContain('we restricted 1 of your records: we kept');
    expect(odd.text).toContain('on or after the date we give you');
    expect(odd.text).toContain('because of the reason below');
  });

  it('the restriction-lifted letter confirms the date it was lifted', () => {
    const l = letter(aCase(), 'restriction-lifted', { liftedOn: '2026-12-09', records: 2 }, opts);
    expect(l.text).toContain('we lifted the restriction on 2 of your records on Wednesday 9 December 2026');
    expect(l.text).toContain('ico.org.uk');
  });

  it('a recipient is told how many records to lift the restriction on, and which', () => {
    const n = recipientNoticeEmail(
      aCase(),
      {
        recipient: 'kashflow',
        name: 'Kashflow <Ltd>',
        records: { lift: 2 },
        instructions: ['Lift the restriction on billing contact BC-1 (account ACC-1): it may be used again as before.'],
        more: 0,
      },
      opts,
    );
    expect(n.text).toContain('make the same changes to your copies: 2 to lift the restriction on.');
    expect(n.text).toContain('Lift the restriction on billing contact BC-1');
    expect(n.html).toContain('Kashflow &lt;Ltd&gt;');
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
