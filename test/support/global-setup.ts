/** Starts the embedded services of the test profile (reusing running ones) and migrates the database. */
import { applyTestEnv, TEMPLATE_DB, withDatabase } from './test-env';

export default async function globalSetup() {
  applyTestEnv();
  const { startServices } = await import('../../scripts/services');
  const { parseConfig } = await import('../../lib/config');
  const { createSequelize } = await import('../../lib/db');
  const { migrateUp } = await import('../../models/migrator');
  const config = parseConfig(process.env);
  await startServices(undefined, config);
  // The migrated template each test file copies its own database from.
  const { Client } = await import('pg');
  const admin = new Client({ connectionString: withDatabase(config.postgres.url, 'postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [TEMPLATE_DB]);
    if (!rowCount) await admin.query(`create database ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  for (const url of [config.postgres.url, withDatabase(config.postgres.url, TEMPLATE_DB)]) {
    const db = createSequelize({ postgres: { ...config.postgres, url } }, { poolMax: 1 });
    try {
      await migrateUp(db);
    } finally {
      await db.close();
    }
  }
}
