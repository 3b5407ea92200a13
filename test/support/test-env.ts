/**
 * The test profile: its own data folder and ports, so the suite never touches
 * a development run's data. Jest applies it in every worker and its global
 * setup; `npm run services:test -- status|stop` applies it to scripts/services.ts.
 */
const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  TRILIGHT_DATA_DIR: '.data/test',
  EMBEDDED_POSTGRES_PORT: '54339',
  EMBEDDED_TEMPORAL_PORT: '7243',
  EMBEDDED_TEMPORAL_UI_PORT: '8243',
  EMBEDDED_ELASTICSEARCH_PORT: '9210',
  EMBEDDED_ELASTICSEARCH_HEAP: '768m',
  EMBEDDED_STRIPE_PORT: '8430',
  EMBEDDED_SMTP_PORT: '2535',
};

/** Migrated once per run; every test file gets a copy of it as its own database. */
export const TEMPLATE_DB = 'trilight_test_template';

export function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function applyTestEnv() {
  for (const [k, v] of Object.entries(TEST_ENV)) process.env[k] ??= v;
}

applyTestEnv();
