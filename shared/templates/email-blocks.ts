/**
 * An email's content, described once as a short list of blocks, rendered to both parts:
 * plain text for the text part and escaped HTML (through `h`) for the HTML part, so the
 * two cannot drift apart.
 */
import { h, raw, type RawHtml } from '#http/html';

export type Inline =
  | string
  | { readonly kind: 'strong'; readonly text: string }
  | { readonly kind: 'link'; readonly href: string; readonly label: string }
  | { readonly kind: 'br' };

export type Block =
  | { readonly kind: 'paragraph'; readonly parts: readonly Inline[] }
  | { readonly kind: 'heading'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly (readonly Inline[])[] }
  | { readonly kind: 'table'; readonly rows: readonly (readonly [string, string])[] }
  | { readonly kind: 'pre'; readonly text: string };

/** A block or inline left out when a condition is false: `forwarded && paragraph(note)`. */
type Optional<T> = T | false | null | undefined;
const present = <T>(xs: readonly Optional<T>[]): T[] => xs.filter((x): x is T => x !== false && x !== null && x !== undefined);

export const strong = (text: string): Inline => ({ kind: 'strong', text });
/** A link; without a label the URL itself is shown, in both parts. */
export const link = (href: string, label: string = href): Inline => {
  // Hrefs come from configuration, never from a requester; a script URL here is a bug, not a value to escape.
  if (!/^(https?:|mailto:)/i.test(href)) throw new Error('email links must be http(s) or mailto');
  return { kind: 'link', href, label };
};
export const mailto = (address: string): Inline => link(`mailto:${address}`, address);
export const br: Inline = { kind: 'br' };

export const paragraph = (...parts: Inline[]): Block => ({ kind: 'paragraph', parts });
export const heading = (text: string): Block => ({ kind: 'heading', text });
export const list = (items: readonly Optional<string | readonly Inline[]>[]): Block => ({
  kind: 'list',
  items: present(items).map((item) => (typeof item === 'string' ? [item] : item)),
});
export const table = (rows: readonly (readonly [string, string])[]): Block => ({ kind: 'table', rows });
export const pre = (text: string): Block => ({ kind: 'pre', text });

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Both parts of one email; the subject is also the HTML part's title. */
export function renderEmail(subject: string, content: readonly Optional<Block>[]): RenderedEmail {
  const blocks = present(content);
  return { subject, text: toText(blocks), html: htmlDoc(subject, toHtml(blocks)) };
}

// --- text part ---------------------------------------------------------------------------

function inlineText(part: Inline): string {
  if (typeof part === 'string') return part;
  switch (part.kind) {
    case 'strong':
      return part.text;
    case 'br':
      return '\n';
    case 'link':
      // A label that is the address itself would only repeat it.
      return part.href === part.label || part.href === `mailto:${part.label}` ? part.label : `${part.label}: ${part.href}`;
  }
}
const inlinesText = (parts: readonly Inline[]) => parts.map(inlineText).join('');

function blockText(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return inlinesText(block.parts);
    case 'heading':
      return `${block.text}:`;
    case 'list':
      return block.items.map((item) => `- ${inlinesText(item)}`).join('\n');
    case 'table':
      return block.rows.map(([key, value]) => `${key}: ${value}`).join('\n');
    case 'pre':
      return block.text;
  }
}

/**
 * Blocks are separated by a blank line, except that a heading runs straight into what follows
 * it and a list straight on from its lead-in ("You asked us to:\n- ..."), as a reader groups them.
 */
function toText(blocks: readonly Block[]): string {
  return blocks
    .map((block, i) => {
      const previous = blocks[i - 1];
      const separator = !previous ? '' : previous.kind === 'heading' || block.kind === 'list' ? '\n' : '\n\n';
      return separator + blockText(block);
    })
    .join('');
}

// --- HTML part ---------------------------------------------------------------------------

function inlineHtml(part: Inline): RawHtml {
  if (typeof part === 'string') return h`${part}`;
  switch (part.kind) {
    case 'strong':
      return h`<strong>${part.text}</strong>`;
    case 'br':
      return h`<br>`;
    case 'link':
      return h`<a href="${part.href}">${part.label}</a>`;
  }
}
const inlinesHtml = (parts: readonly Inline[]) => parts.map(inlineHtml);

function blockHtml(block: Block): RawHtml {
  switch (block.kind) {
    case 'paragraph':
      return h`<p>${inlinesHtml(block.parts)}</p>`;
    case 'heading':
      return h`<h2 style="font-size:18px">${block.text}</h2>`;
    case 'list':
      return h`<ul>${block.items.map((item) => h`<li>${inlinesHtml(item)}</li>`)}</ul>`;
    case 'table':
      return h`<table>${block.rows.map(([key, value]) => h`<tr><th align="left">${key}</th><td>${value}</td></tr>`)}</table>`;
    case 'pre':
      return h`<pre style="white-space:pre-wrap;font-family:inherit">${block.text}</pre>`;
  }
}

const toHtml = (blocks: readonly Block[]): RawHtml => raw(blocks.map((block) => blockHtml(block).value).join('\n'));

function htmlDoc(title: string, body: RawHtml): string {
  return h`<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c">${body}</body></html>`
    .value;
}
