import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT_LIMITS,
  MAIL_FLAGS,
  attachmentSkip,
  dispositionOf,
  dkimSigningDomains,
  loopReason,
  safeMessageId,
  sanitiseFilename,
  senderAuthenticated,
  type MailFacts,
  type Verdicts,
} from '#domain/inbound-mail';

const OWN = ['no-reply@privacy.icetrak.net', 'dpo@icetrak.net'];
const PASS: Verdicts = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };

const facts = (over: Partial<MailFacts> = {}): MailFacts => ({
  fromAddress: 'ada@example.org',
  envelopeFrom: 'ada@example.org',
  verdicts: PASS,
  ...over,
  headers: over.headers ?? {},
});

describe('loopReason (RFC 3834: never answer a machine)', () => {
  it.each([
    ['Auto-Submitted: auto-replied', { headers: { 'auto-submitted': 'auto-replied' } }, 'auto-submitted'],
    ['Auto-Submitted: auto-generated', { headers: { 'auto-submitted': 'Auto-Generated' } }, 'auto-submitted'],
    ['Precedence: bulk', { headers: { precedence: 'bulk' } }, 'precedence'],
    ['Precedence: junk', { headers: { precedence: 'junk' } }, 'precedence'],
    ['Precedence: list', { headers: { precedence: 'list' } }, 'precedence'],
    ['Precedence: auto_reply', { headers: { precedence: 'auto_reply' } }, 'precedence'],
    ['X-Autoreply', { headers: { 'x-autoreply': 'yes' } }, 'auto-reply-header'],
    ['X-Autorespond', { headers: { 'x-autorespond': 'Out of office' } }, 'auto-reply-header'],
    ['a delivery status report', { headers: { 'content-type': 'multipart/report; report-type=delivery-status; boundary=x' } }, 'delivery-report'],
    ['a read receipt', { headers: { 'content-type': 'multipart/report; report-type=disposition-notification' } }, 'delivery-report'],
    ['a null envelope sender', { envelopeFrom: '' }, 'null-return-path'],
    ['a null envelope sender in brackets', { envelopeFrom: '<>' }, 'null-return-path'],
    ['Return-Path: <>', { headers: { 'return-path': '<>' } }, 'null-return-path'],
    ['From MAILER-DAEMON', { fromAddress: 'MAILER-DAEMON@mx.example.org' }, 'mailer-daemon'],
    ['our own sending address', { fromAddress: 'No-Reply@privacy.icetrak.net' }, 'own-address'],
    ['the DPO mailbox itself', { fromAddress: 'dpo@icetrak.net' }, 'own-address'],
  ] as const)('ignores %s', (_what, over, reason) => {
    expect(loopReason(facts(over as Partial<MailFacts>), OWN)).toBe(reason);
  });

  it.each([
    ['a plain message', {}],
    ['Auto-Submitted: no', { headers: { 'auto-submitted': 'no' } }],
    ['Precedence: normal', { headers: { precedence: 'normal' } }],
    ['X-Auto-Response-Suppress alone (a request not to answer, not an answer)', { headers: { 'x-auto-response-suppress': 'All' } }],
    ['an envelope sender without a Return-Path header', { headers: {} }],
    ['a postmaster (a person)', { fromAddress: 'postmaster@example.org' }],
  ] as const)('lets through %s', (_what, over) => {
    expect(loopReason(facts(over as Partial<MailFacts>), OWN)).toBeUndefined();
  });
});

describe('dispositionOf', () => {
  it('accepts a person’s mail with a passing DKIM signature: confirmed, answered, no flags', () => {
    expect(dispositionOf(facts(), OWN)).toEqual({
      kind: 'accept',
      quarantine: false,
      spam: false,
      autoReply: true,
      identityConfirmed: true,
      flags: [],
    });
  });

  it.each([
    ['DKIM fails but DMARC passes', { dkim: 'FAIL', dmarc: 'PASS' }, true],
    ['DKIM passes, DMARC fails (the pass was for another domain)', { dkim: 'PASS', dmarc: 'FAIL' }, false],
    ['neither passes', { dkim: 'FAIL', dmarc: 'GRAY' }, false],
    ['SPF passes alone (the envelope, not the From address)', { spf: 'PASS', dkim: 'FAIL', dmarc: 'FAIL' }, false],
  ] as const)('confirms the address when %s: %s', (_what, verdicts, confirmed) => {
    const d = dispositionOf(facts({ verdicts: { ...PASS, ...verdicts } }), OWN);
    expect(d).toMatchObject({ kind: 'accept', identityConfirmed: confirmed, autoReply: true });
  });

  it('DMARC pass (aligned) confirms; a DKIM pass counts without DMARC only when every signature is by the From domain', () => {
    const confirmed = (verdicts: Partial<Verdicts>, dkimDomains?: string[], fromAddress = 'ada@example.org') => {
      const d = dispositionOf(facts({ verdicts: { ...PASS, ...verdicts }, fromAddress, ...(dkimDomains ? { dkimDomains } : {}) }), OWN);
      return d.kind === 'accept' && d.identityConfirmed;
    };
    expect(confirmed({ dkim: 'FAIL', dmarc: 'PASS' })).toBe(true);
    expect(confirmed({ dkim: 'PASS', dmarc: 'GRAY' }, ['example.org'])).toBe(true);
    expect(confirmed({ dkim: 'PASS', dmarc: 'GRAY' }, ['mail.example.org'])).toBe(true);
    expect(confirmed({ dkim: 'PASS', dmarc: 'GRAY' }, ['sendgrid.net'])).toBe(false);
    expect(confirmed({ dkim: 'PASS', dmarc: 'GRAY' }, ['example.org', 'attacker.example'])).toBe(false);
    expect(confirmed({ dkim: 'PASS', dmarc: 'GRAY' }, ['notexample.org'])).toBe(false);
    expect(confirmed({ dkim: 'PASS', dmarc: 'GRAY' })).toBe(false);
    expect(confirmed({ dkim: 'PASS', dmarc: 'FAIL' }, ['example.org'])).toBe(false);
  });

  it('reads the signing domains of DKIM-Signature headers', () => {
    expect(
      dkimSigningDomains([
        'v=1; a=rsa-sha256; c=relaxed/relaxed; d=Example.ORG; s=sel; h=from:to; bh=abc; b=def',
        'v=1; s=x; d=mail.example.net.;',
        'v=1; s=x',
      ]),
    ).toEqual(['example.org', 'mail.example.net']);
    expect(senderAuthenticated({ fromAddress: 'ada@example.org', verdicts: { ...PASS, dmarc: 'DISABLED' }, dkimDomains: ['example.org'] })).toBe(true);
  });

  it('keeps forged mail (SPF and DMARC both fail) for triage: not answered (backscatter), not confirmed', () => {
    expect(dispositionOf(facts({ verdicts: { ...PASS, spf: 'FAIL', dmarc: 'FAIL' } }), OWN)).toMatchObject({
      kind: 'accept',
      autoReply: false,
      identityConfirmed: false,
      flags: [MAIL_FLAGS.unauthenticated],
    });
    // One of the two failing is not enough: forwarding breaks SPF, and most people's domains publish no DMARC.
    expect(dispositionOf(facts({ verdicts: { ...PASS, spf: 'FAIL', dmarc: 'GRAY', dkim: 'FAIL' } }), OWN)).toMatchObject({ autoReply: true, flags: [] });
    expect(dispositionOf(facts({ verdicts: { ...PASS, spf: 'PASS', dmarc: 'FAIL' } }), OWN)).toMatchObject({ autoReply: true, flags: [] });
  });

  it.each([
    ['All', false],
    ['DR, RN, NRN, OOF, AutoReply', false],
    ['oof', false],
    ['AutoReply', false],
    ['DR, RN, NRN', true],
    ['', true],
  ])('honours X-Auto-Response-Suppress: %j → autoReply %s (the case is still made)', (value, answered) => {
    const d = dispositionOf(facts({ headers: { 'x-auto-response-suppress': value } }), OWN);
    expect(d).toMatchObject({ kind: 'accept', autoReply: answered, flags: answered ? [] : [MAIL_FLAGS.noAutoReply] });
  });

  it('keeps spam for review and does not answer it', () => {
    expect(dispositionOf(facts({ verdicts: { ...PASS, spam: 'FAIL' } }), OWN)).toMatchObject({
      kind: 'accept',
      spam: true,
      autoReply: false,
      flags: [MAIL_FLAGS.spamReview],
    });
  });

  it.each(['FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'] as const)('quarantines virus verdict %s, even for an auto-reply', (virus) => {
    const d = dispositionOf(facts({ verdicts: { ...PASS, virus }, headers: { 'auto-submitted': 'auto-replied' } }), OWN);
    expect(d).toMatchObject({ kind: 'accept', quarantine: true, autoReply: false, flags: [MAIL_FLAGS.quarantined] });
  });

  it('makes a case of mail without a sender, confirming and answering nobody', () => {
    expect(dispositionOf(facts({ fromAddress: undefined }), OWN)).toMatchObject({
      kind: 'accept',
      autoReply: false,
      identityConfirmed: false,
      flags: [MAIL_FLAGS.noSender],
    });
  });

  it('does not answer mailing-list mail', () => {
    expect(dispositionOf(facts({ headers: { 'list-id': '<privacy.lists.example.org>' } }), OWN)).toMatchObject({
      kind: 'accept',
      autoReply: false,
      flags: [MAIL_FLAGS.mailingList],
    });
  });

  it('ignores an out-of-office reply', () => {
    expect(dispositionOf(facts({ headers: { 'auto-submitted': 'auto-replied' } }), OWN)).toEqual({ kind: 'ignore', reason: 'auto-submitted' });
  });
});

describe('attachments', () => {
  it('stores up to the count, per-file and total limits', () => {
    expect(attachmentSkip(0, 1000, 0)).toBeUndefined();
    expect(attachmentSkip(ATTACHMENT_LIMITS.count - 1, 10, 0)).toBeUndefined();
    expect(attachmentSkip(ATTACHMENT_LIMITS.count, 10, 0)).toBe('too-many');
    expect(attachmentSkip(0, ATTACHMENT_LIMITS.bytesEach, 0)).toBeUndefined();
    expect(attachmentSkip(0, ATTACHMENT_LIMITS.bytesEach + 1, 0)).toBe('too-large');
    expect(attachmentSkip(3, 5, ATTACHMENT_LIMITS.bytesTotal - 4)).toBe('total-too-large');
  });

  it.each([
    ['a plain name', 'scan.pdf', 'scan.pdf'],
    ['a Windows path', 'C:\\Users\\ada\\passport.jpg', 'passport.jpg'],
    ['a Unix path traversal', '../../etc/passwd', 'passwd'],
    ['a hidden-file name', '...htaccess', 'htaccess'],
    ['control and bidi characters', 'inv\u0000oice\u202Egpj.exe', 'inv_oice_gpj.exe'],
    ['characters Windows refuses', 'a:b*c?"d"<e>|f.txt', 'a_b_c__d__e__f.txt'],
    ['decomposed Unicode', 'Rene\u0301e.txt', 'Renée.txt'],
    ['nothing', undefined, 'attachment-1'],
    ['only unsafe characters', '///', 'attachment-1'],
  ])('sanitises %s', (_what, name, expected) => {
    expect(sanitiseFilename(name, 'attachment-1')).toBe(expected);
  });

  it('shortens a long name to 120 characters and keeps its extension', () => {
    const name = sanitiseFilename(`${'a'.repeat(300)}.pdf`, 'x');
    expect(name).toHaveLength(120);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('safeMessageId', () => {
  it.each([
    ['<CAF=x+y@mail.gmail.com>', '<CAF=x+y@mail.gmail.com>'],
    [' <a.b@c> ', '<a.b@c>'],
    ['<no-at-sign>', undefined],
    ['<a b@c>', undefined],
    ['<a@b>\r\nBcc: x@y', undefined],
    [undefined, undefined],
  ])('%j → %j', (input, expected) => {
    expect(safeMessageId(input)).toBe(expected);
  });
});
