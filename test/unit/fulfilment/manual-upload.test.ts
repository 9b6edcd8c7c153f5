/**
 * A manual source's upload (issue 14): the multipart body parsed into the API's file shape, the
 * action's validation (type, contents, size), safe names, and the answer's ZIP (the file under its
 * source's folder, only with its record).
 */
import type { Context } from 'aws-lambda';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '#domain/errors';
import { MANUAL_UPLOAD_MAX_BYTES, manualRecord, safeFileName, uploadMatchesType } from '#domain/search';
import { httpHandler, type HttpEvent } from '#http/middleware';
import { json } from '#http/responses';
import { parseAction } from '#shared/cases/act';
import { buildExport } from '#shared/fulfilment/export/build';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { ADA_RECORDS, adaCase, filesOf } from '#test/fixtures/export/records';

const context = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');

describe('a multipart body', () => {
  it('becomes text fields and, for a file, { name, contentType, base64 }; a file input left empty is ""', async () => {
    const form = new FormData();
    form.set('action', 'record-manual-search');
    form.append('records', 'a');
    form.append('records', 'b');
    form.set('file', new Blob([PDF], { type: 'application/pdf' }), 'scan.pdf');
    form.set('empty', new Blob([]), '');
    const req = new Request('http://x/', { method: 'POST', body: form });
    const body = Buffer.from(await req.arrayBuffer());
    const echo = httpHandler(async (e) => json(200, { kind: e.bodyKind, body: e.parsedBody }), { accepts: ['form', 'multipart'] });
    const event = {
      body: body.toString('base64'),
      isBase64Encoded: true,
      headers: { 'content-type': req.headers.get('content-type')! },
      httpMethod: 'POST',
      path: '/x',
    } as unknown as HttpEvent;
    const res = await echo(event, context);
    expect(JSON.parse(res.body)).toEqual({
      kind: 'multipart',
      body: {
        action: 'record-manual-search',
        records: ['a', 'b'],
        empty: '',
        file: { name: 'scan.pdf', contentType: 'application/pdf', base64: PDF.toString('base64') },
      },
    });
    const refused = await httpHandler(async () => json(200, {}), { accepts: ['form'] })(event, context);
    expect(refused.statusCode).toBe(415);
  });

  it('reads a file input left empty, as a browser sends it (filename="", no bytes), as "": no file', async () => {
    // What Chromium sends for the desk's manual-search form with no file chosen (seen in desk-plan.browser.test.ts).
    const boundary = '----WebKitFormBoundaryQ3xw9Yb2Lm0Zt7Ra';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="outcome"',
      '',
      'nothing-found',
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename=""',
      'Content-Type: application/octet-stream',
      '',
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const echo = httpHandler(async (e) => json(200, { body: e.parsedBody }), { accepts: ['multipart'] });
    const event = {
      body,
      isBase64Encoded: false,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      httpMethod: 'POST',
      path: '/x',
    } as unknown as HttpEvent;
    expect(JSON.parse((await echo(event, context)).body)).toEqual({ body: { outcome: 'nothing-found', file: '' } });
  });
});

describe('the record-manual-search action’s file', () => {
  const parse = (file: Record<string, unknown>) => () => parseAction({ action: 'record-manual-search', source: 'support-files', outcome: 'found', file });
  const fieldError = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof ValidationError) return e.fields.file ?? JSON.stringify(e.fields);
    }
    return '';
  };

  it('takes a file whose bytes are its type, within the limit', () => {
    expect(parse({ name: 'scan.pdf', contentType: 'Application/PDF', base64: PDF.toString('base64') })()).toMatchObject({
      file: { name: 'scan.pdf', contentType: 'application/pdf' },
    });
  });

  it('takes no file when the form’s file input was left empty', () => {
    expect(parseAction({ action: 'record-manual-search', source: 'support-files', outcome: 'found', note: 'x', file: '' })).toEqual({
      action: 'record-manual-search',
      source: 'support-files',
      outcome: 'found',
      note: 'x',
    });
  });

  it('refuses another type, mismatched bytes, an empty file and one over the limit', () => {
    expect(fieldError(parse({ name: 'x.exe', contentType: 'application/x-msdownload', base64: 'TVo=' }))).toMatch(/^Upload a PDF, an image/);
    expect(fieldError(parse({ name: 'x.png', contentType: 'image/png', base64: PDF.toString('base64') }))).toBe(
      'The file’s contents are not what its type says.',
    );
    expect(fieldError(parse({ name: 'x.txt', contentType: 'text/plain', base64: '' }))).toBe('The file is empty.');
    const big = Buffer.concat([PDF, Buffer.alloc(MANUAL_UPLOAD_MAX_BYTES, 0x20)]).toString('base64');
    expect(fieldError(parse({ name: 'x.pdf', contentType: 'application/pdf', base64: big }))).toBe('Upload a file of at most 45 KB.');
  });

  it('knows the types by their first bytes; text is UTF-8 without NUL', () => {
    expect(uploadMatchesType('image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe(true);
    expect(uploadMatchesType('application/vnd.openxmlformats-officedocument.wordprocessingml.document', Buffer.from('PK\x03\x04rest'))).toBe(true);
    expect(uploadMatchesType('text/csv', Buffer.from('a,b\n1,2\n'))).toBe(true);
    expect(uploadMatchesType('text/csv', Buffer.from([0x61, 0x00, 0x62]))).toBe(false);
    expect(uploadMatchesType('text/plain', Buffer.from([0xc3, 0x28]))).toBe(false);
  });

  it('keeps only a file name’s last part, without control or reserved characters', () => {
    expect(safeFileName('C:\\scans\\support emails.pdf')).toBe('support emails.pdf');
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('a\u0000b<c>.pdf')).toBe('abc.pdf');
    expect(safeFileName('...')).toBe('upload');
  });
});

describe('the answer’s ZIP', () => {
  const c = adaCase();
  const manual = manualRecord(c, 'support-files', 'controller', 'Two emails', '2026-12-01T10:00:00.000Z', {
    name: 'scan.pdf',
    contentType: 'application/pdf',
    bytes: PDF.length,
  });
  const recordId = manual.records[0]!.id;
  const withManual = (redact: string[] = []) => ({
    ...c,
    search: {
      ...c.search!,
      redact,
      sources: [...c.search!.sources, { source: 'support-files', status: 'done' as const, identifiers: [], recordCount: 1 }],
    },
  });
  const build = (kind: 'access' | 'portability', redact: string[] = []) =>
    unzipSync(
      new Uint8Array(
        buildExport({
          case: withManual(redact),
          kind,
          register: ICETRAK_REGISTER,
          files: [...filesOf(c.id, ADA_RECORDS), manual],
          uploads: [{ source: 'support-files', recordId, name: 'scan.pdf', body: PDF }],
          today: '2026-12-02',
        }).zip,
      ),
    );

  it('holds the upload under its source’s folder, beside the record naming it', () => {
    const zip = build('access');
    expect(Buffer.from(zip['support-files/scan.pdf']!).equals(PDF)).toBe(true);
    expect(Buffer.from(zip['support-files.csv']!).toString('utf8')).toContain('scan.pdf');
  });

  it('leaves it out with its record: marked as another person’s data, or a portability answer (not provided by the person)', () => {
    expect(build('access', [recordId])['support-files/scan.pdf']).toBeUndefined();
    expect(build('portability')['support-files/scan.pdf']).toBeUndefined();
  });
});
