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
    // Written as the ledger was at that migration (postToLedger writes today's columns).
    await db.transaction(async (transaction) => {
      const purchase = randomUUID();
      const [t] = await db.query<{ id: string }>(
        `insert into ledger_transactions (id, book_type, book_id, property_id, kind, amount_minor, currency, occurred_on, idempotency_key, created_at)
         values (gen_random_uuid(), 'purchase', $1, $2, 'escrow_received', 5000, 'USD', '2026-02-01', 'escrow:1', now()) returning id`,
        { bind: [purchase, property], type: QueryTypes.SELECT, transaction },
      );
      await db.query(
        `insert into ledger_lines (transaction_id, book_type, book_id, account, debit_minor, credit_minor, currency)
         values ($1, 'purchase', $2, 'cash', 5000, 0, 'USD'), ($1, 'purchase', $2, 'escrow_held', 0, 5000, 'USD')`,
        { bind: [t!.id, purchase], transaction },
      );
    });
    const withPurchase = await snapshot(true);
    await expect(migrator.down({ to: BOOKS })).rejects.toThrow(/books other than leases/);
    expect(await snapshot(true)).toEqual(withPurchase);
    expect((await migrator.executed()).map((m) => m.name)).toContain(BOOKS);
  } finally {
    await db.close();
    await admin(`drop database if exists ${name} with (force)`);
  }
});

test("the property books migration: every property starts owned whole by its owner of record, paid work orders become paid bills; down removes it all, and refuses once the books hold bills paid", async () => {
  const name = `pbooks_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin(`create database ${name}`);
  const url = new URL(config.postgres.url);
  url.pathname = `/${name}`;
  const db = createSequelize({ postgres: { ...config.postgres, url: url.toString() } }, { poolMax: 2 });
  const rows = (sql: string) => db.query<Record<string, unknown>>(sql, { type: QueryTypes.SELECT });
  try {
    const migrator = createMigrator(db);
    await migrator.up({ to: '0023-contractor-document-reminders' });
    const [owner, contractor] = [randomUUID(), randomUUID()];
    await db.query(`insert into users (id, email, name, roles, created_at, updated_at) values ($1, 'o@x.test', 'O', '{owner}', now(), now()), ($2, 'c@x.test', 'C', '{contractor}', now(), now())`, { bind: [owner, contractor] });
    await db.query(`insert into contractors (user_id, company, trades, service_area, hourly_rate_minor, currency) values ($1, 'Fixit', '{general}', '{}', 0, 'USD')`, { bind: [contractor] });
    const property = randomUUID();
    await db.query(`insert into properties (id, owner_id, type, city, region, country, lat, lon, created_at, updated_at) values ($1, $2, 'house', 'Ames', 'IA', 'US', 42, -93, now(), now())`, { bind: [property, owner] });
    const workOrder = randomUUID();
    await db.query(
      `insert into work_orders (id, property_id, requested_by, status, priority, category, contractor_id, raised_at, currency, state, workflow_id) values ($1, $2, $3, 'closed', 'routine', 'general', $4, now(), 'USD', '{}', 'w')`,
      { bind: [workOrder, property, owner, contractor] },
    );
    await db.transaction(async (transaction) => {
      const [t] = await db.query<{ id: string }>(
        `insert into ledger_transactions (id, book_type, book_id, property_id, kind, amount_minor, currency, occurred_on, reference, idempotency_key, created_at)
         values (gen_random_uuid(), 'property', $1, $1, 'repair_paid', 12000, 'USD', '2026-03-01', 'INV-1', $2, now()) returning id`,
        { bind: [property, `workorder:${workOrder}:paid`], type: QueryTypes.SELECT, transaction },
      );
      await db.query(`insert into ledger_lines (transaction_id, book_type, book_id, account, debit_minor, credit_minor, currency) values ($1, 'property', $2, 'repairs_expense', 12000, 0, 'USD'), ($1, 'property', $2, 'cash', 0, 12000, 'USD')`, {
        bind: [t!.id, property],
        transaction,
      });
    });

    await migrator.up({ to: '0024-property-books' });
    expect(await rows('select owner_id, share_bps from property_owners')).toEqual([{ owner_id: owner, share_bps: 10000 }]);
    expect(await rows(`select vendor_id, vendor_name, amount_minor::int, status, source, work_order_id from bills`)).toEqual([
      { vendor_id: contractor, vendor_name: 'Fixit', amount_minor: 12000, status: 'paid', source: 'work_order', work_order_id: workOrder },
    ]);
    expect(await rows(`select party_id from ledger_transactions`)).toEqual([{ party_id: contractor }]);
    // A property made afterwards (by any path) is owned whole too.
    const later = randomUUID();
    await db.query(`insert into properties (id, owner_id, type, city, region, country, lat, lon, created_at, updated_at) values ($1, $2, 'house', 'Ames', 'IA', 'US', 42, -93, now(), now())`, { bind: [later, owner] });
    expect(await rows(`select share_bps from property_owners where property_id = '${later}'`)).toEqual([{ share_bps: 10000 }]);

    await migrator.down({ to: '0023-contractor-document-reminders' });
    expect(await rows(`select to_regclass('bills') as t`)).toEqual([{ t: null }]);
    await migrator.up({ to: '0024-property-books' });
    await postToLedger(db, { book: { type: 'property', id: property }, kind: 'owner_contribution', amountMinor: 100, currency: 'USD', occurredOn: '2026-03-02', idempotencyKey: 'c:1', partyId: owner });
    await expect(migrator.down({ to: '0023-contractor-document-reminders' })).rejects.toThrow(/bills, fees or owner postings/);
  } finally {
    await db.close();
    await admin(`drop database if exists ${name} with (force)`);
  }
});
