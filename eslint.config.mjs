import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.stack/**', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import/no-cycle': 'error',
    },
  },
  {
    // The `agent-metrics` launcher: plain CommonJS for Node, so it runs before anything is compiled.
    files: ['bin/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly', module: 'writable' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The layers (README, "Layout"): each folder imports only from the ones below it.
  layer(['common/**/*.ts'], 'common/ is workflow-safe: no Node, no services, nothing outside common/', [
    { regex: '^(?!@temporalio/common$|\\./)' },
    { regex: '^\\.\\./' },
  ]),
  layer(
    ['workflows/**/*.ts'],
    'Workflows run in a deterministic sandbox: @temporalio/workflow, @temporalio/common and common/',
    [
      { regex: '^(?!@temporalio/(workflow|common)$|\\.)' },
      { regex: '^(\\.\\./)+(lib|client|worker|tools)(/|$)' },
      { regex: '^(\\.\\./)+activities(/|$)', allowTypeImports: true },
    ],
  ),
  layer(['lib/**/*.ts'], 'lib/ is the core: it imports common/ and lib/ only', [
    { regex: '^(\\.\\./)+(activities|workflows|client|worker|tools)(/|$)' },
  ]),
  layer(['activities/**/*.ts'], 'Activities build on lib/ and common/', [
    { regex: '^(\\.\\./)+(workflows|client|worker|tools)(/|$)' },
  ]),
  layer(['client/**/*.ts'], 'Commands build on lib/ and common/; they never run an activity themselves', [
    { regex: '^(\\.\\./)+(activities|worker|tools)(/|$)' },
    { regex: '^(\\.\\./)+workflows(/|$)', allowTypeImports: true },
  ]),
  layer(['worker/**/*.ts'], 'The worker hosts activities and workflows; it does not import commands or tools', [
    { regex: '^(\\.\\./)+(client|tools)(/|$)' },
  ]),
);

/** A lint rule that keeps `files` from importing what `patterns` name, with one message saying why. */
function layer(files, message, patterns) {
  return {
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: patterns.map((p) => ({ ...p, message })) }] },
  };
}
