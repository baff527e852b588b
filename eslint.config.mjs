import nextVitals from 'eslint-config-next/core-web-vitals';
import drizzle from 'eslint-plugin-drizzle';
import tseslint from 'typescript-eslint';

// The layers (ARCHITECTURE.md): app/ and components/ → lib/ → db/. Each rule below is one arrow that must
// not point backwards; the message says where the import belongs instead.
const dbImports = ['@/db', '@/db/*', '**/db/*', '../db', '../../db/*'];
const appImports = ['@/app', '@/app/*', '**/app/*'];
const componentImports = ['@/components', '@/components/*', '**/components/*'];
const libImports = ['@/lib', '@/lib/*', '**/lib/*'];

const restrict = (...patterns) => ['error', { patterns }];

export default tseslint.config(
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      '.data/**',
      'db/migrations/**',
      'test-results/**',
      'playwright-report/**',
      '.test-output/**',
      'next-env.d.ts',
    ],
  },
  ...nextVitals,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { drizzle },
    settings: {
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      'import/ignore': ['node_modules'],
    },
    rules: {
      'drizzle/enforce-delete-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      'drizzle/enforce-update-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      'import/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    // A route's own test may set up and check the database directly, as the e2e tests do.
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict({
        group: dbImports,
        message: 'app/ and components/ never import db/: call a lib/ function (ARCHITECTURE.md).',
      }),
    },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        group: [...appImports, ...componentImports],
        message: 'lib/ is the domain: it never imports app/ or components/ (ARCHITECTURE.md).',
      }),
      // The domain speaks no HTTP: routes and actions are adapted in app/_adapters.
      'no-restricted-globals': [
        'error',
        { name: 'Request', message: 'lib/ speaks no HTTP: take plain values; app/_adapters reads the request.' },
        { name: 'Response', message: 'lib/ speaks no HTTP: return plain values; app/_adapters answers.' },
      ],
    },
  },
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        group: [...libImports, ...appImports, ...componentImports],
        message: 'db/ is the bottom layer (schema, migrations, client): it imports nothing from lib/ or app/.',
      }),
    },
  },
  { files: ['**/*.mjs', '**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
