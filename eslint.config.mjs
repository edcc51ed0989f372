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
    // Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node built-ins, no service clients.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflows run in a deterministic sandbox: no Node built-ins.' },
            { group: ['@clickhouse/*', '@aws-sdk/*'], message: 'Service clients belong in activities/.' },
            {
              group: ['@temporalio/worker', '@temporalio/client', '@temporalio/activity'],
              message: 'Workflows import @temporalio/workflow and @temporalio/common only.',
            },
            {
              group: ['../activities/*', '../activities'],
              allowTypeImports: true,
              message: 'Import activity types only.',
            },
          ],
          paths: [
            'fs',
            'path',
            'os',
            'crypto',
            'http',
            'https',
            'net',
            'child_process',
            'stream',
            'zlib',
            'dns',
            'worker_threads',
          ].map((name) => ({ name, message: 'Workflows run in a deterministic sandbox: no Node built-ins.' })),
        },
      ],
    },
  },
);
