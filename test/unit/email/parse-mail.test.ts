import { describe, expect, it } from 'vitest';
import { parseMail, readTopHeaders, repairHeaderCharset } from '#shared/email/parse-mail';

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

describe('readTopHeaders', () => {
  it('unfolds continuation lines, lower-cases names and keeps the first occurrence', () => {
    const raw = crlf(
      'Return-Path: <>',
      'Content-Type: multipart/report;',
      '\treport-type=delivery-status',
      'Return-Path: <x@example.org>',
      '',
      'Body: not a header',
    );
    expect(readTopHeaders(raw)).toEqual({ 'return-path': '<>', 'content-type': 'multipart/report; report-type=delivery-status' });
  });

  it('reads bare-LF messages too', () => {
    expect(readTopHeaders(Buffer.from('Auto-Submitted: auto-replied\nSubject: x\n\nbody'))).toMatchObject({ 'auto-submitted': 'auto-replied' });
  });
});

describe('DKIM signing domains', () => {
  it('lists the domain of every top-level DKIM-Signature, folded or not', async () => {
    const raw = Buffer.from(
      'DKIM-Signature: v=1; a=rsa-sha256; d=esp.example;\r\n\ts=s1; b=abc\r\nDKIM-Signature: v=1; d=example.org; s=s2; b=def\r\nFrom: Ada <ada@example.org>\r\nSubject: SAR\r\n\r\nPlease send my data.\r\n',
    );
    expect((await parseMail(raw, { keepAttachments: false })).dkimDomains).toEqual(['esp.example', 'example.org']);
  });
});

describe('repairHeaderCharset', () => {
  it('turns Latin-1 header bytes into UTF-8 and leaves the body alone', () => {
    const raw = Buffer.concat([Buffer.from('From: Ren\xe9e <r@example.fr>\r\n\r\n', 'latin1'), Buffer.from([0xe9])]);
    const { raw: fixed, repaired } = repairHeaderCharset(raw);
    expect(repaired).toBe(true);
    expect(fixed.toString('utf8')).toContain('From: Renée <r@example.fr>');
    expect(fixed.at(-1)).toBe(0xe9);
  });

  it('leaves valid UTF-8 and plain ASCII headers as they are', () => {
    for (const raw of [Buffer.from('From: Zoë <z@example.se>\r\n\r\nx', 'utf8'), Buffer.from('From: a@example.org\r\n\r\nx')]) {
      expect(repairHeaderCharset(raw)).toEqual({ raw, repaired: false });
    }
  });
});

describe('parseMail never throws', () => {
  it('reads a zero-byte message as empty', async () => {
    expect(await parseMail(Buffer.alloc(0), { keepAttachments: true })).toMatchObject({ subject: '', text: '', problems: ['empty'] });
  });

  it('falls back to the top headers when mailparser gives up (a bomb of MIME parts), keeping the loop headers', async () => {
    const parts = Array.from({ length: 2100 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}`).join('\r\n');
    const raw = crlf(
      'From: Pat Parts <pat@example.org>',
      'Subject: many',
      'Precedence: bulk',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      parts,
      '--b--',
    );
    const parsed = await parseMail(raw, { keepAttachments: true });
    expect(parsed.problems).toContain('unparseable');
    expect(parsed).toMatchObject({ from: { name: 'Pat Parts', address: 'pat@example.org' }, subject: 'many', headers: { precedence: 'bulk' } });
  });

  it('shows the raw body when no part can be found (a boundary that never appears)', async () => {
    const raw = crlf('From: a@example.org', 'Content-Type: multipart/mixed; boundary="x"', '', '--y', '', 'Please delete my data.', '--y--');
    const parsed = await parseMail(raw, { keepAttachments: true });
    expect(parsed.text).toContain('Please delete my data.');
    expect(parsed.problems).toContain('body-not-parsed');
  });

  it('counts but does not keep attachments of quarantined mail', async () => {
    const raw = crlf(
      'From: a@example.org',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'hi',
      '--b',
      'Content-Type: application/octet-stream',
      'Content-Disposition: attachment; filename="../evil.exe"',
      'Content-Transfer-Encoding: base64',
      '',
      'TVqQAAMAAAAEAAAA',
      '--b--',
    );
    const parsed = await parseMail(raw, { keepAttachments: false });
    expect(parsed.attachments).toEqual([{ n: 1, filename: 'evil.exe', contentType: 'application/octet-stream', size: 12, skipped: 'quarantined' }]);
  });

  it('drops a From that is no address, and a Message-ID that could break a header', async () => {
    const raw = crlf('From: just a name', 'Message-ID: <a b@c>', 'Subject: hi', '', 'text');
    const parsed = await parseMail(raw, { keepAttachments: true });
    expect(parsed.from).toBeUndefined();
    expect(parsed.messageId).toBeUndefined();
    expect(parsed.problems).toContain('unusable-from');
  });

  it('reads forwarded messages for triage, and stops past three levels', async () => {
    let inner = 'From: deep@example.org\r\nSubject: innermost\r\n\r\nplease delete my data';
    for (let level = 0; level < 5; level++) {
      inner = `From: l${level}@example.org\r\nSubject: Fwd\r\nContent-Type: multipart/mixed; boundary="l${level}"\r\n\r\n--l${level}\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--l${level}\r\nContent-Type: message/rfc822\r\n\r\n${inner}\r\n--l${level}--`;
    }
    const parsed = await parseMail(Buffer.from(inner), { keepAttachments: true });
    expect(parsed.forwarded).toBe(true);
    expect(parsed.forwardedText).toContain('see attached');
    expect(parsed.forwardedText).not.toContain('please delete my data');
    expect(parsed.problems).toContain('forward-too-deep');
  });
});
