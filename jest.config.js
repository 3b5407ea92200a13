/**
 * Three projects, so the cheap tests stay cheap:
 *   unit         pure rules, PDFs, validators: no service at all (`npx jest --selectProjects unit`, seconds)
 *   workflows    workflow logic on the time-skipping test server, and the replay of recorded histories
 *   integration  the real services (Postgres, Elasticsearch, the Temporal dev server, localstripe, the SMTP
 *                sink), started by the global setup, which runs only when an integration test is selected
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] };
const common = { testEnvironment: 'node', transform, setupFiles: ['<rootDir>/test/support/test-env.ts'] };

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120000,
  // Workflow and integration files bundle workflows and run workers: two at a time suits a 2-core machine.
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/test/unit'], testMatch: ['**/*.test.ts'] },
    { ...common, displayName: 'workflows', roots: ['<rootDir>/test/workflows'], testMatch: ['**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
