import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

export default ts.config(
  { ignores: ['dist/', 'dev-dist/', 'node_modules/', 'test-results/', 'bench/results.json', '.scratch/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } },
  },
  {
    // The domain is pure: no storage, UI, framework, sync or app code, and no wall clock or ambient randomness.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['dexie', 'dexie/*', 'dexie-*'], message: 'src/domain must not import Dexie.' },
          { group: ['svelte', 'svelte/*'], message: 'src/domain must not import Svelte.' },
          { group: ['**/storage', '**/storage/**', '**/sync', '**/sync/**', '**/ui', '**/ui/**', '**/app', '**/app/**'],
            message: 'src/domain must not import src/storage, src/sync, src/ui or src/app.' },
        ],
      }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Domain code takes the world clock as a parameter.' },
        { object: 'Math', property: 'random', message: 'Domain code takes randomness as a parameter.' },
      ],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Domain code takes the world clock as a parameter.' },
      ],
    },
  },
);
