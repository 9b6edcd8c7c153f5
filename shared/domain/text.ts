/**
 * Text a requester gives us, whatever the channel (form, email, staff entry): its limits and
 * its normalisation, so a field means the same thing wherever it came from.
 */

/** Most characters kept per field; an email's body is cut to `details` in the case item. */
export const LIMITS = { fullName: 200, email: 254, postalAddress: 500, phone: 30, details: 5000, accountReference: 40, authority: 2000 } as const;

// Control characters other than tab and newline; zero-width and bidi overrides.
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** One-line text: Unicode NFC, no control characters, single spaces, trimmed. */
export function normaliseLine(value: string): string {
  return value.normalize('NFC').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

/** Multi-line text: NFC, CRLF → LF, no control characters, at most two blank lines in a row. */
export function normaliseText(value: string): string {
  return value
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
