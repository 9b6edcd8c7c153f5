import { describe, expect, it } from 'vitest';
import { escapeHtml, h, raw } from '#http/html';

describe('html escaping', () => {
  it('escapes every character that can break out of text or an attribute', () => {
    expect(escapeHtml(`<script>alert("x")</script>&'\``)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;');
  });

  it('escapes interpolations, arrays and nested templates once, and passes raw() through', () => {
    const evil = '"><img src=x onerror=alert(1)>';
    const out = h`<p title="${evil}">${[evil, h`<b>${evil}</b>`]}${raw('<br>')}</p>`.value;
    expect(out).not.toContain('<img');
    expect(out).toContain('<b>&quot;&gt;&lt;img');
    expect(out).toContain('<br>');
    expect(out).not.toContain('&amp;lt;');
  });
});

describe('escapeHtml with values from a JSON body', () => {
  it('never throws, whatever the value', () => {
    expect(escapeHtml({ toString: 1 })).toBe('');
    expect(escapeHtml(Object.create(null))).toBe('');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(42)).toBe('42');
    expect(h`<p>${{ toString: 1 }}</p>`.value).toBe('<p></p>');
  });
});
