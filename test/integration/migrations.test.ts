/** Migrations run up and down cleanly on an empty database. */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { QueryTypes } from 'sequelize';
import { parseConfig } from '../../lib/config';
import { createSequelize } from '../../lib/db';
import { createMigrator } from '../../models/migrator';

const config = parseConfig(process.env);
const dbName = `migrations_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const adminUrl = new URL(config.postgres.url);
adminUrl.pathname = '/postgres';

async function admin(sql: string) {
  const client = new Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(() => admin(`create database ${dbName}`));
afterAll(() => admin(`drop database if exists ${dbName} with (force)`));

test('every migration applies to an empty database and reverts to an empty one', async () => {
  const url = new URL(config.postgres.url);
  url.pathname = `/${dbName}`;
  const db = createSequelize({ postgres: { ...config.postgres, url: url.toString() } }, { poolMax: 2 });
  const tables = async () =>
    (
      await db.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
        { type: QueryTypes.SELECT },
      )
    ).map((t) => t.table_name);
  try {
    const migrator = createMigrator(db);
    expect(await tables()).toEqual([]);
    const pending = await migrator.pending();
    expect(pending.length).toBeGreaterThan(0);

    const applied = await migrator.up();
    expect(applied.map((m) => m.name)).toEqual(pending.map((m) => m.name));
    expect(await tables()).toEqual(
      expect.arrayContaining(['users', 'properties', 'units', 'listings', 'idempotency_keys', 'import_batches', 'import_chunks']),
    );
    expect(await migrator.pending()).toEqual([]);

    await migrator.down({ to: 0 });
    expect(await tables()).toEqual(['schema_migrations']);
    expect(await migrator.executed()).toEqual([]);

    // And up again: down really undid everything.
    await migrator.up();
    expect((await migrator.executed()).length).toBe(pending.length);
  } finally {
    await db.close();
  }
});
