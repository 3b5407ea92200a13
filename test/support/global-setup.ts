/** Starts the embedded services of the test profile (reusing running ones) and migrates the database. */
import { applyTestEnv } from './test-env';

export default async function globalSetup() {
  applyTestEnv();
  const { startServices } = await import('../../scripts/services');
  const { parseConfig } = await import('../../lib/config');
  const { createSequelize } = await import('../../lib/db');
  const { migrateUp } = await import('../../models/migrator');
  const config = parseConfig(process.env);
  await startServices(undefined, config);
  const db = createSequelize(config, { poolMax: 2 });
  try {
    await migrateUp(db);
  } finally {
    await db.close();
  }
}
