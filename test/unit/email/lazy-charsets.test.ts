/**
 * Charsets the Lambda bundle does not carry (infra/bundling.ts, LAZY_CHARSETS): mail written in
 * them still decodes, through parseMail as it runs in-process and as it runs bundled with the
 * Lambda settings, with the after-bundling commands shipping the charset data beside the bundle.
 * The bundle loads that data only when a message needs it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESBUILD_OPTIONS, LAZY_CHARSETS } from '#infra/bundling';
import { parseMail, type ParsedMail } from '#shared/email/parse-mail';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CORPUS = fileURLToPath(new URL('../../fixtures/email/', import.meta.url));
const cache = createRequire(import.meta.url).cache;

const JAPANESE = '個人データの削除をお願いします';

/** One message per charset family: the subject as an RFC 2047 encoded word and the body, both base64 in that charset. */
const SAMPLES: readonly { charset: string; text: string; base64: string }[] = [
  { charset: 'ISO-2022-JP', text: JAPANESE, base64: 'GyRCOEQ/TSVHITwlPyROOm89fCRyJCo0aiQkJDckXiQ5GyhC' },
  { charset: 'Shift_JIS', text: JAPANESE, base64: 'jMKQbINmgVuDXoLMje2PnILwgqiK6IKigrWC3IK3' },
  { charset: 'EUC-JP', text: JAPANESE, base64: 'uMS/zaXHobylv6TOuu+9/KTypKq06qSkpLek3qS5' },
  { charset: 'GB2312', text: '请删除我的个人数据', base64: 'x+vJvrP9ztK1xLj2yMvK/b7d' },
  { charset: 'GB18030', text: '请删除我的个人数据 ḿ 𠀀', base64: 'x+vJvrP9ztK1xLj2yMvK/b7dIKi8IJUygjY=' },
  { charset: 'Big5', text: '請刪除我的個人資料', base64: 'vdCnUrCjp9qquq3TpEi46q7G' },
  { charset: 'Big5-HKSCS', text: '請刪除我嘅個人資料', base64: 'vdCnUrCjp9r7SK3TpEi46q7G' },
  { charset: 'EUC-KR', text: '개인정보를 삭제해 주세요', base64: 'sLPAzsGkuri4piC76MGmx9ggwda8vL/k' },
  { charset: 'windows-1252', text: '“Café” – naïve €', base64: 'k0NhZumUIJYgbmHvdmUggA==' },
];

function message({ charset, base64 }: (typeof SAMPLES)[number]): Buffer {
  return Buffer.from(
    [
      'From: Sam Sender <sam@example.org>',
      'To: dpo@icetrak.net',
      `Subject: =?${charset}?B?${base64}?=`,
      'Message-ID: <lazy-charsets@example.org>',
      'MIME-Version: 1.0',
      `Content-Type: text/plain; charset="${charset}"`,
      'Content-Transfer-Encoding: base64',
      '',
      base64,
      '',
    ].join('\r\n'),
  );
}

describe('parseMail decodes', () => {
  it.each(SAMPLES)('$charset subjects and bodies', async (sample) => {
    const parsed = await parseMail(message(sample), { keepAttachments: true });
    expect(parsed).toMatchObject({ subject: sample.text, text: sample.text, problems: [] });
  });
});

describe('parseMail bundled for Lambda, with the charset data shipped beside it', () => {
  let dir: string;
  let bundledInputs: string[];
  let bundled: typeof parseMail;
  /** Modules the bundle has loaded from beside itself (Node's require cache, which createRequire shares). */
  const loadedBeside = () => Object.keys(cache).filter((path) => path.startsWith(dir));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rightsdesk-charsets-'));
    const result = await build({
      ...ESBUILD_OPTIONS,
      entryPoints: [join(REPO_ROOT, 'shared/email/parse-mail.ts')],
      outfile: join(dir, 'index.mjs'),
      metafile: true,
      logLevel: 'error',
    });
    bundledInputs = Object.keys(result.metafile.inputs);
    for (const command of LAZY_CHARSETS.afterBundling(REPO_ROOT, dir)) execFileSync('bash', ['-c', command]);
    ({ parseMail: bundled } = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { parseMail: typeof parseMail });
  });

  afterAll(() => {
    for (const path of loadedBeside()) delete cache[path];
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('carries neither the double-byte tables nor encoding-japanese, which are shipped beside it', () => {
    expect(bundledInputs.filter((path) => /iconv-lite\/encodings\/tables\/|encoding-japanese\//.test(path))).toEqual([]);
    expect(readdirSync(join(dir, 'tables')).sort()).toEqual(LAZY_CHARSETS.external.map((t) => t.replace('./tables/', '')).sort());
    // The package libmime would have used is the one shipped.
    const libmime = createRequire(join(REPO_ROOT, 'node_modules/libmime/package.json'));
    const version = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    expect(version(join(dir, 'node_modules/encoding-japanese/package.json'))).toBe(version(libmime.resolve('encoding-japanese/package.json')));
  });

  it('loads a table or encoding-japanese only for a message that needs it', async () => {
    // libmime builds the GBK codec when it loads (so cp936 is read at start); nothing else yet.
    expect(
      loadedBeside()
        .map((path) => path.slice(dir.length + 1))
        .sort(),
    ).toEqual(['tables/cp936.json', 'tables/gbk-added.json']);
    await bundled(message(SAMPLES.find((s) => s.charset === 'windows-1252')!), { keepAttachments: true });
    expect(loadedBeside()).toHaveLength(2);
    await bundled(message(SAMPLES.find((s) => s.charset === 'Big5')!), { keepAttachments: true });
    expect(loadedBeside()).toContain(join(dir, 'tables/cp950.json'));
    expect(loadedBeside().some((path) => path.includes('encoding-japanese'))).toBe(false);
    await bundled(message(SAMPLES[0]!), { keepAttachments: true });
    expect(loadedBeside()).toContain(join(dir, 'node_modules/encoding-japanese/src/index.js'));
  });

  it.each(SAMPLES)('decodes $charset as the in-process parser does', async (sample) => {
    const parsed = await bundled(message(sample), { keepAttachments: true });
    expect(parsed).toEqual(await parseMail(message(sample), { keepAttachments: true }));
    expect(parsed).toMatchObject({ subject: sample.text, text: sample.text });
  });

  it('reads every message of the inbound corpus as the in-process parser does', async () => {
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.eml'));
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const raw = readFileSync(join(CORPUS, file));
      const expected: ParsedMail = await parseMail(raw, { keepAttachments: true });
      expect(await bundled(raw, { keepAttachments: true }), file).toEqual(expected);
    }
  });
});
