/**
 * The docs cite the code: every repository path they name in backticks must exist, every
 * "`path` `export`" pair must name an export of that file, and every "`test file` `test name`"
 * pair must name a test written in that file. A rename that leaves a doc behind fails here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** README.md and every docs/*.md, as repository-relative paths. */
function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Span {
  text: string;
  line: number;
  start: number;
  end: number;
}

/** Inline code spans, line by line, outside fenced code blocks (commands and output there are not citations). */
function inlineCode(markdown: string): Span[] {
  const spans: Span[] = [];
  let fenced = false;
  markdown.split('\n').forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    for (const m of line.matchAll(/`([^`]+)`/g)) {
      spans.push({ text: m[1] ?? '', line: i + 1, start: m.index, end: m.index + m[0].length });
    }
  });
  return spans;
}

const TOP_DIRS = ['shared', 'lambdas', 'infra', 'test', 'docs'];

/** A repository path: under a top-level source folder, or a file at the root; no placeholders or globs. */
function isRepoPath(text: string): boolean {
  if (!/^[A-Za-z0-9._/-]+$/.test(text) || text.includes('..')) return false;
  const [top, ...rest] = text.split('/');
  if (rest.length > 0) return TOP_DIRS.includes(top ?? '');
  return /^[A-Za-z0-9_-]+\.(json|md)$/.test(text);
}

interface Pair {
  path: string;
  name: string;
  line: number;
}

/** "`path` `name`": two code spans separated only by spaces, the first a .ts file. */
function citedPairs(markdown: string): { exports: Pair[]; tests: Pair[] } {
  const spans = inlineCode(markdown);
  const lines = markdown.split('\n');
  const exports: Pair[] = [];
  const tests: Pair[] = [];
  for (const [i, a] of spans.entries()) {
    const b = spans[i + 1];
    if (!b || a.line !== b.line || !isRepoPath(a.text) || !a.text.endsWith('.ts')) continue;
    if (!/^[ \t]+$/.test((lines[a.line - 1] ?? '').slice(a.end, b.start))) continue;
    (a.text.endsWith('.test.ts') ? tests : exports).push({ path: a.text, name: b.text, line: a.line });
  }
  return { exports, tests };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `source` exports `name` (declaration, or a name in an export list). */
function exportsName(source: string, name: string): boolean {
  const n = escape(name);
  const declaration = new RegExp(
    `export\\s+(?:declare\\s+)?(?:default\\s+)?(?:async\\s+)?(?:abstract\\s+)?(?:function\\*?|const|let|var|class|interface|type|enum)\\s+${n}\\b`,
  );
  const list = new RegExp(`export\\s+(?:type\\s+)?\\{[^}]*(?:^|[\\s,{])(?:type\\s+)?(?:\\w+\\s+as\\s+)?${n}\\s*(?:,|\\})`, 'm');
  return declaration.test(source) || list.test(source);
}

/** Whether `source` holds `name` as a whole string literal (a test or describe title). */
function hasTestNamed(source: string, name: string): boolean {
  return [`'${name}'`, `"${name}"`, `\`${name}\``].some((literal) => source.includes(literal));
}

type Problem = string;

const at = (doc: string, line: number) => `${doc}:${String(line)}`;

function missingPaths(doc: string, markdown: string): Problem[] {
  return inlineCode(markdown)
    .filter((s) => isRepoPath(s.text) && !existsSync(join(ROOT, s.text)))
    .map((s) => `${at(doc, s.line)}: \`${s.text}\` does not exist`);
}

function missingExports(doc: string, markdown: string): Problem[] {
  return citedPairs(markdown).exports.flatMap(({ path, name, line }) => {
    if (!existsSync(join(ROOT, path))) return [`${at(doc, line)}: \`${path}\` does not exist`];
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) return [`${at(doc, line)}: \`${name}\` after \`${path}\` is not an export name`];
    return exportsName(read(path), name) ? [] : [`${at(doc, line)}: \`${path}\` does not export \`${name}\``];
  });
}

function missingTests(doc: string, markdown: string): Problem[] {
  return citedPairs(markdown).tests.flatMap(({ path, name, line }) => {
    if (!existsSync(join(ROOT, path))) return [`${at(doc, line)}: \`${path}\` does not exist`];
    return hasTestNamed(read(path), name) ? [] : [`${at(doc, line)}: \`${path}\` has no test named "${name}"`];
  });
}

describe('docs cite only what exists', () => {
  const docs = docFiles();

  it('reads README.md, docs/rules.md and docs/operations.md', () => {
    expect(docs).toEqual(expect.arrayContaining(['README.md', 'docs/rules.md', 'docs/operations.md']));
  });

  it('every repository path in backticks exists', () => {
    expect(docs.flatMap((doc) => missingPaths(doc, read(doc)))).toEqual([]);
  });

  it('every `path` `export` pair names an export of that file', () => {
    expect(docs.filter((d) => d.startsWith('docs/')).flatMap((doc) => missingExports(doc, read(doc)))).toEqual([]);
  });

  it('every `test file` `test name` pair names a test in that file', () => {
    expect(docs.filter((d) => d.startsWith('docs/')).flatMap((doc) => missingTests(doc, read(doc)))).toEqual([]);
  });

  it('docs/rules.md still cites its rules in the checked form (a format change cannot silence the checks)', () => {
    const { exports, tests } = citedPairs(read('docs/rules.md'));
    expect(exports.length).toBeGreaterThanOrEqual(30);
    expect(tests.length).toBeGreaterThanOrEqual(60);
    // Every rule (### R<n>.) names at least one function and one test.
    const rules = read('docs/rules.md')
      .split(/^### (?=R\d+\.)/m)
      .slice(1);
    expect(rules.length).toBeGreaterThanOrEqual(15);
    for (const rule of rules) {
      const cited = citedPairs(rule);
      expect(cited.exports.length, rule.split('\n')[0]).toBeGreaterThan(0);
      expect(cited.tests.length, rule.split('\n')[0]).toBeGreaterThan(0);
    }
  });
});

describe('the checks themselves', () => {
  const sample = [
    'Real: `shared/domain/deadlines.ts` `computeDeadline`, `test/unit/domain/deadlines.test.ts` `restarts when a fee arrives`.',
    'Gone: `shared/domain/nowhere.ts`, `shared/domain/deadlines.ts` `dueDate`, `test/unit/domain/deadlines.test.ts` `restarts when a fee`.',
    '```sh',
    'npx tsx -e "import `shared/not/a/citation.ts`"',
    '```',
    'Not paths: `npm start`, `lambdas/<context>/deps.ts`, `.data/signing-key`, `RD-7K4M9P`.',
  ].join('\n');

  it('finds paths and pairs outside code blocks only', () => {
    expect(
      inlineCode(sample)
        .filter((s) => isRepoPath(s.text))
        .map((s) => s.text),
    ).toEqual([
      'shared/domain/deadlines.ts',
      'test/unit/domain/deadlines.test.ts',
      'shared/domain/nowhere.ts',
      'shared/domain/deadlines.ts',
      'test/unit/domain/deadlines.test.ts',
    ]);
    const { exports, tests } = citedPairs(sample);
    expect(exports.map((p) => p.name)).toEqual(['computeDeadline', 'dueDate']);
    expect(tests.map((p) => p.name)).toEqual(['restarts when a fee arrives', 'restarts when a fee']);
  });

  it('reports a missing path, a missing export and a test name that is only part of a title', () => {
    expect(missingPaths('sample.md', sample)).toEqual(['sample.md:2: `shared/domain/nowhere.ts` does not exist']);
    expect(missingExports('sample.md', sample)).toEqual(['sample.md:2: `shared/domain/deadlines.ts` does not export `dueDate`']);
    expect(missingTests('sample.md', sample)).toEqual(['sample.md:2: `test/unit/domain/deadlines.test.ts` has no test named "restarts when a fee"']);
  });

  it('recognises the export forms in use', () => {
    const source = [
      'export function a() {}',
      'export async function b() {}',
      'export const c = 1;',
      'export abstract class D {}',
      'export interface E {}',
      'export type F = string;',
      "export { g, h as i, type J } from './x';",
    ].join('\n');
    for (const name of ['a', 'b', 'c', 'D', 'E', 'F', 'g', 'i', 'J']) expect(exportsName(source, name), name).toBe(true);
    for (const name of ['h', 'x', 'function', 'cc']) expect(exportsName(source, name), name).toBe(false);
  });
});
