import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * The direction of imports between the layers, one rule per layer: what each
 * may NOT import. `import type` is allowed where only types cross (a type
 * leaves nothing in the bundle or at run time).
 *
 *   domain      pure, workflow-safe rules: nothing but domain (types from contracts)
 *   contracts   each process's contract (workflow-safe: zod only as types) and the shared zod shapes
 *               (*.schema.ts): domain, zod, Temporal's definitions
 *   workflows   deterministic: domain, contracts (not their zod schemas), Temporal's workflow API
 *   lib         infrastructure, starting no workflow: shared shapes, but no process's contract at run time
 *   models      the database's shapes: domain, contracts, lib
 *   clients     starting and signalling processes: domain, contracts, lib, models
 *   activities  the world: domain, contracts, lib, models, clients
 *   api         HTTP: domain, contracts, lib, models, clients (never workflow or activity code)
 *   workers     everything but the API
 */
const layer = (name) => ({ regex: `(^|/)${name}(/|$)`, message: `this layer may not import ${name}/` });
const NODE = { regex: '^(node:|fs$|path$|crypto$|http$|https$|net$|os$|child_process$|util$)', message: 'workflow-safe code does no I/O' };
const ZOD = { regex: '^zod$|(^|/)contracts/[^/]*\\.schema$|^@asteasolutions/', message: 'zod stays out of workflow-safe code (types only)', allowTypeImports: true };
/** A process's contract (its workflow's name and messages), as opposed to the shared zod shapes beside it. */
const PROCESS_CONTRACT = { regex: '(^|/)contracts/(?!zod$)(?![^/]*\\.schema$)[^/]+$', message: 'infrastructure starts no workflow: it may not name a process (types aside)', allowTypeImports: true };
const WORLD = { regex: '^(sequelize|pg|stripe|pdf-lib|@elastic/|nodemailer|@temporalio/(client|worker|activity))', message: 'reach the world through activities' };

const forbid = (files, patterns, ignores = []) => ({ files, ignores, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } });
const typesOnly = (p) => ({ ...p, allowTypeImports: true });

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'dist/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts'],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // No cycles between modules (type-only imports aside: they vanish at run time).
      'import-x/no-cycle': 'error',
    },
  },
  forbid(['domain/**/*.ts'], [NODE, ZOD, WORLD, ...['lib', 'models', 'clients', 'activities', 'workflows', 'api', 'workers'].map(layer), typesOnly(layer('contracts'))]),
  forbid(['contracts/**/*.ts'], [NODE, WORLD, ...['lib', 'models', 'clients', 'activities', 'workflows', 'api', 'workers'].map(layer)]),
  // A process's own contract is imported by its workflow: zod only as types, like the workflow itself.
  forbid(['contracts/**/*.ts'], [NODE, ZOD, WORLD, ...['lib', 'models', 'clients', 'activities', 'workflows', 'api', 'workers'].map(layer)], ['contracts/**/*.schema.ts', 'contracts/zod.ts']),
  forbid(['workflows/**/*.ts'], [NODE, ZOD, WORLD, ...['lib', 'models', 'clients', 'activities', 'api', 'workers'].map(layer)]),
  forbid(['lib/**/*.ts'], [...['clients', 'activities', 'workflows', 'api', 'workers'].map(layer), PROCESS_CONTRACT]),
  forbid(['models/**/*.ts'], ['clients', 'activities', 'workflows', 'api', 'workers'].map(layer)),
  forbid(['clients/**/*.ts'], ['activities', 'workflows', 'api', 'workers'].map(layer)),
  forbid(['activities/**/*.ts'], ['workflows', 'api', 'workers'].map(layer)),
  forbid(['api/**/*.ts'], ['activities', 'workflows', 'workers'].map(layer)),
  forbid(['workers/**/*.ts'], ['api'].map(layer)),
);
