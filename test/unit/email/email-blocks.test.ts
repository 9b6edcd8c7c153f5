import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { br, heading, link, list, mailto, paragraph, pre, renderEmail, strong, table } from '#shared/templates/email-blocks';

const EVIL = `<script>alert("x")</script><img src=x onerror='y'>&amp;\``;
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;y&#39;&gt;&amp;amp;&#96;';
const TAG = /<\/?[a-z!][^>]*>/i;
const ENTITY = /&(#\d+|#x[0-9a-f]+|[a-z]+);/i;

/** The HTML body between <body ...> and </body>. */
const bodyOf = (html: string) => /<body[^>]*>([\s\S]*)<\/body>/.exec(html)![1]!;

describe('email blocks: one description, two parts', () => {
  it('escapes every value in every inline and block kind, href and title included', () => {
    const mail = renderEmail(`Subject ${EVIL}`, [
      paragraph(`text ${EVIL}`, strong(`strong ${EVIL}`), br, link(`https://example.org/?q=${EVIL}`, `label ${EVIL}`)),
      heading(`heading ${EVIL}`),
      list([`item ${EVIL}`, [strong(`strong item ${EVIL}`)]]),
      table([[`key ${EVIL}`, `value ${EVIL}`]]),
      pre(`pre ${EVIL}`),
    ]);
    for (const where of ['text', 'strong', 'label', 'heading', 'item', 'strong item', 'key', 'value', 'pre', 'Subject']) {
      expect(mail.html).toContain(`${where} ${ESCAPED}`);
    }
    expect(mail.html).toContain(`<a href="https://example.org/?q=${ESCAPED}">`);
    expect(mail.html).not.toMatch(/<script|<img|onerror='/);
    // The only markup is the renderer's own.
    const tags = new Set(bodyOf(mail.html).match(/<\/?[a-z0-9]+/gi));
    expect([...tags].sort()).toEqual(
      [
        '<a',
        '</a',
        '<br',
        '<h2',
        '</h2',
        '<li',
        '</li',
        '<p',
        '</p',
        '<pre',
        '</pre',
        '<strong',
        '</strong',
        '<table',
        '</table',
        '<td',
        '</td',
        '<th',
        '</th',
        '<tr',
        '</tr',
        '<ul',
        '</ul',
      ].sort(),
    );
  });

  it('keeps values verbatim in the text part, which carries no markup or entities of its own', () => {
    const evil = renderEmail('s', [paragraph(strong(EVIL)), list([EVIL]), table([['Name', EVIL]]), pre(EVIL)]);
    expect(evil.text).toBe(`${EVIL}\n- ${EVIL}\n\nName: ${EVIL}\n\n${EVIL}`);

    const plain = renderEmail('s', [
      paragraph('Dear Ada,'),
      paragraph('Your reference is ', strong('RD-ABC123'), '.', br, link('https://example.org/verify/t', 'Confirm')),
      heading('What happens next'),
      list(['one', ['two ', mailto('dpo@icetrak.net')]]),
      table([['Due', 'Wednesday 2 December 2026']]),
      pre('a\nb'),
    ]);
    expect(plain.text).not.toMatch(TAG);
    expect(plain.text).not.toMatch(ENTITY);
    expect(plain.html).toMatch(TAG); // the check above would see markup if there were any
  });

  it('puts every link in both parts: "label: url", or the address alone where the label is the address', () => {
    const mail = renderEmail('s', [
      paragraph('Open ', link('https://example.org/verify/abc', 'Confirm your email address'), ' today.'),
      paragraph('Or copy:', br, link('https://example.org/verify/abc')),
      paragraph('Write to ', mailto('dpo@icetrak.net'), '.'),
    ]);
    expect(mail.text).toBe(
      'Open Confirm your email address: https://example.org/verify/abc today.\n\nOr copy:\nhttps://example.org/verify/abc\n\nWrite to dpo@icetrak.net.',
    );
    expect(mail.html).toContain('<p>Open <a href="https://example.org/verify/abc">Confirm your email address</a> today.</p>');
    expect(mail.html).toContain('<p>Or copy:<br><a href="https://example.org/verify/abc">https://example.org/verify/abc</a></p>');
    expect(mail.html).toContain('<p>Write to <a href="mailto:dpo@icetrak.net">dpo@icetrak.net</a>.</p>');
  });

  it('refuses a link that is not http(s) or mailto', () => {
    expect(() => link('javascript:alert(1)', 'x')).toThrow(/http\(s\) or mailto/);
    expect(() => link(' data:text/html,x')).toThrow();
  });

  it('renders lists, tables, headings and preformatted text in both parts', () => {
    const mail = renderEmail('s', [
      paragraph('You asked us to:'),
      list(['Get a copy of my data', false, 'Delete my data']),
      table([
        ['Reference', 'RD-ABC123'],
        ['Due', 'paused'],
      ]),
      false,
      heading('Details'),
      pre('line 1\n  line 2'),
    ]);
    expect(mail.text).toBe(
      'You asked us to:\n- Get a copy of my data\n- Delete my data\n\nReference: RD-ABC123\nDue: paused\n\nDetails:\nline 1\n  line 2',
    );
    expect(bodyOf(mail.html)).toBe(
      [
        '<p>You asked us to:</p>',
        '<ul><li>Get a copy of my data</li><li>Delete my data</li></ul>',
        '<table><tr><th align="left">Reference</th><td>RD-ABC123</td></tr><tr><th align="left">Due</th><td>paused</td></tr></table>',
        '<h2 style="font-size:18px">Details</h2>',
        '<pre style="white-space:pre-wrap;font-family:inherit">line 1\n  line 2</pre>',
      ].join('\n'),
    );
    expect(mail.html).toMatch(/^<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>s<\/title>/);
  });

  it('for any value, the HTML part decodes back to the text part and never lets markup through', () => {
    const decode = (s: string) =>
      s.replace(/&(lt|gt|quot|#39|#96|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`', amp: '&' })[e]!);
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const mail = renderEmail('s', [paragraph(a, strong(b))]);
        const inner = /<p>([\s\S]*)<strong>([\s\S]*)<\/strong><\/p>/.exec(mail.html)!;
        expect(inner[1]! + inner[2]!).not.toMatch(/[<>"'`]/);
        expect(decode(inner[1]!)).toBe(a);
        expect(decode(inner[2]!)).toBe(b);
        expect(mail.text).toBe(a + b);
      }),
    );
  });
});
