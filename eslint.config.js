// ESLint flat config: @eslint/js recommended + typescript-eslint strictTypeChecked (type-aware),
// eslint-config-prettier last so layout is Prettier's alone. `npm run lint` checks, `npm run format` fixes.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// strictTypeChecked's options for restrict-template-expressions; the rule's own defaults allow everything,
// so an override must restate them.
const STRICT_TEMPLATES = { allowAny: false, allowBoolean: false, allowNever: false, allowNullish: false, allowNumber: false, allowRegExp: false };

const PARENT_IMPORT = 'Import project code through a # alias (package.json imports); ./ only for files in the same folder';

export default defineConfig(
  { ignores: ['**/node_modules/', 'cdk.out/', '.data/', 'coverage/'] },

  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      // The project service reads tsconfig.json like the editor does; as fast as `project` here.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },

  {
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\.(/|$)', message: PARENT_IMPORT }] }],
      // The same for import('../x'), which no-restricted-imports does not see.
      'no-restricted-syntax': ['error', { selector: 'ImportExpression > Literal.source[value=/^\\.\\.(\\x2F|$)/]', message: PARENT_IMPORT }],

      // With noUncheckedIndexedAccess every index is `T | undefined`; `!` after a check or on a known index is deliberate.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Numbers interpolate predictably (ports, counts, ms); any, nullish, objects and unions with undefined stay errors.
      '@typescript-eslint/restrict-template-expressions': ['error', { ...STRICT_TEMPLATES, allowNumber: true }],
      // Optional chains on AWS events, caught errors and `let` resources torn down in afterAll are deliberate
      // defence at boundaries the types over-promise; the rule also misreads flags set inside callbacks.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Concise arrows (`() => resolve()`) and `return send(res, ...)` early exits are the house style; TS types them void.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // `async` without `await` is deliberate: handlers and fakes must return promises, and throws become rejections.
      '@typescript-eslint/require-await': 'off',
      // `const { audit, version, ...data } = c` is how a field is dropped from a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // `delete process.env[name]` is the only way to unset a variable; the other uses are test fixtures.
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },

  {
    files: ['test/**/*.ts'],
    rules: {
      // Vitest's asymmetric matchers (expect.any, expect.stringContaining, ...) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['test/infra/**/*.ts'],
    rules: {
      // Synthesised CloudFormation is untyped JSON (support.ts's one sanctioned `any`); a wrong path fails the assertion.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Template properties are read as `any` (the Resources type); a wrong value fails the assertion it feeds.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    files: ['test/e2e/**/*.ts', 'test/support/browser.ts', 'test/support/desk-browser.ts'],
    rules: {
      // page.evaluate callbacks run in the browser; tsconfig has no DOM lib on purpose, so the file declares DOM globals `any`.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { ...STRICT_TEMPLATES, allowNumber: true, allowAny: true }],
      '@typescript-eslint/restrict-plus-operands': 'off',
    },
  },

  // JavaScript (this file, the CommonJS test fixture) is outside tsconfig.json: no type-aware rules.
  { files: ['**/*.{js,cjs,mjs}'], extends: [tseslint.configs.disableTypeChecked] },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  prettier,
);
