/** HTML escaping for every value interpolated into a page or an email's HTML part. */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(value: unknown): string {
  return textOf(value).replace(/[&<>"'`]/g, (ch) => ESCAPES[ch]!);
}

/** Callers pass strings and numbers; anything else (an object from a JSON body) must still render, never throw. */
function textOf(value: unknown): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- see above
    return String(value ?? '');
  } catch {
    return ''; // e.g. {"toString": 1}: String() throws "Cannot convert object to primitive value"
  }
}

/** Tagged template: every interpolation is escaped unless wrapped in `raw()`. */
export class RawHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}
export const raw = (value: string): RawHtml => new RawHtml(value);

export function h(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    const rendered = Array.isArray(v)
      ? v.map((x) => (x instanceof RawHtml ? x.value : escapeHtml(x))).join('')
      : v instanceof RawHtml
        ? v.value
        : escapeHtml(v);
    out += rendered + strings[i + 1]!;
  });
  return new RawHtml(out);
}
