/** Migrations run up and down cleanly on an empty database, and the ledger's books migration keeps the rows it finds. */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { QueryTypes } from 'sequelize';
import { parseConfig } from '../../lib/config';
import { leaseBook } from '../../domain/ledger';
import { createSequelize } from '../../lib/db';
import { leaseBalances, postToLedger, unbalancedTransactions } from '../../lib/ledger';
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

test("the ledger's books migration keeps every lease's rows, answers the same balances, and goes back only while every book is a lease's", async () => {
  const name = `books_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin(`create database ${name}`);
  const url = new URL(config.postgres.url);
  url.pathname = `/${name}`;
  const db = createSequelize({ postgres: { ...config.postgres, url: url.toString() } }, { poolMax: 2 });
  const BEFORE = '0010-late-fee-policies';
  const BOOKS = '0011-ledger-books';
  const lease = randomUUID();
  const property = randomUUID();
  const rows = (sql: string) => db.query<Record<string, unknown>>(sql, { type: QueryTypes.SELECT });
  const snapshot = async (bookColumns: boolean) => ({
    transactions: await rows(
      `select id, ${bookColumns ? "book_type, book_id::text as lease_id, property_id" : 'lease_id::text as lease_id'}, kind, amount_minor, idempotency_key from ledger_transactions order by idempotency_key`,
    ),
    lines: await rows(`select transaction_id, ${bookColumns ? 'book_id::text as lease_id' : 'lease_id::text as lease_id'}, account, debit_minor, credit_minor from ledger_lines order by id`),
  });
  try {
    const migrator = createMigrator(db);
    await migrator.up({ to: BEFORE });
    // A lease's books as the lease-only ledger kept them.
    await db.query(`insert into leases (id, property_id, status, tenant_ids, created_at, updated_at) values ($1, $2, 'active', '{}', now(), now())`, { bind: [lease, property] });
    await db.transaction(async (transaction) => {
      for (const [key, kind, amount, debit, credit] of [
        ['rent:1', 'rent_charged', 150_000, 'tenant_receivable', 'rental_income'],
        ['payment:1', 'payment_received', 100_000, 'cash', 'tenant_receivable'],
        ['deposit:1', 'deposit_received', 200_000, 'cash', 'deposits_held'],
      ] as const) {
        const [t] = await db.query<{ id: string }>(
          `insert into ledger_transactions (id, lease_id, kind, amount_minor, currency, occurred_on, idempotency_key, created_at)
           values (gen_random_uuid(), $1, $2, $3, 'USD', '2026-01-01', $4, now()) returning id`,
          { bind: [lease, kind, amount, key], type: QueryTypes.SELECT, transaction },
        );
        await db.query(
          `insert into ledger_lines (transaction_id, lease_id, account, debit_minor, credit_minor, currency)
           values ($1, $2, $3, $4, 0, 'USD'), ($1, $2, $5, 0, $4, 'USD')`,
          { bind: [t!.id, lease, debit, amount, credit], transaction },
        );
      }
    });
    const before = await snapshot(false);

    await migrator.up({ to: BOOKS });
    const after = await snapshot(true);
    expect(after.transactions).toEqual(before.transactions.map((t) => ({ ...t, book_type: 'lease', property_id: property })));
    expect(after.lines).toEqual(before.lines);
    expect(await leaseBalances(db, lease)).toEqual({ tenant_receivable: 50_000, cash: 300_000, deposits_held: 200_000, rental_income: 150_000, fee_income: 0, damages_income: 0 });
    expect(await unbalancedTransactions(db, leaseBook(lease))).toEqual([]);

    // Down while every book is a lease's: exactly the rows there were.
    await migrator.down({ to: BOOKS });
    expect(await snapshot(false)).toEqual(before);
    await migrator.up({ to: BOOKS });

    // A purchase's book has no lease to go back to: down refuses, and changes nothing.
    await postToLedger(db, { book: { type: 'purchase', id: randomUUID() }, propertyId: property, kind: 'escrow_received', amountMinor: 5_000, currency: 'USD', occurredOn: '2026-02-01', idempotencyKey: 'escrow:1' });
    const withPurchase = await snapshot(true);
    await expect(migrator.down({ to: BOOKS })).rejects.toThrow(/books other than leases/);
    expect(await snapshot(true)).toEqual(withPurchase);
    expect((await migrator.executed()).map((m) => m.name)).toContain(BOOKS);
  } finally {
    await db.close();
    await admin(`drop database if exists ${name} with (force)`);
  }
});
