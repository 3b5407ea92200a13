/**
 * The lease ledger on real Postgres: postings balance, happen once per key,
 * and the database itself refuses a transaction that does not balance.
 */
import { randomUUID } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { postingLines, tenantBalance, type LedgerLine, type PostingKind } from '../../domain/ledger';
import { createSequelize } from '../../lib/db';
import { ledgerBalances, ledgerInvariantViolations, postToLedger, unbalancedTransactions } from '../../lib/ledger';
import { createTestDatabase } from '../support/harness';

let db: Sequelize;
let drop: () => Promise<unknown>;

beforeAll(async () => {
  const t = await createTestDatabase('ledger');
  drop = t.drop;
  db = createSequelize(t.config, { poolMax: 3 });
});

afterAll(async () => {
  await db?.close();
  await drop?.();
});

const post = (leaseId: string, kind: PostingKind, amountMinor: number, key: string = randomUUID(), currency: 'USD' | 'JPY' = 'USD') =>
  postToLedger(db, { leaseId, kind, amountMinor, currency, occurredOn: '2026-01-01', idempotencyKey: key });

test('a lease lived through postings ends with the balances the rules predict', async () => {
  const lease = randomUUID();
  const script: [PostingKind, number][] = [
    ['deposit_received', 200_000],
    ['rent_charged', 150_000],
    ['payment_received', 150_000],
    ['rent_charged', 150_000],
    ['fee_charged', 5_000],
    ['payment_received', 100_000],
    ['payment_reversed', 100_000],
    ['payment_received', 155_000],
    ['rent_charged', 150_000],
    ['credit_issued', 20_000],
    ['damages_charged', 30_000],
    ['deposit_applied', 160_000],
    ['deposit_refunded', 40_000],
  ];
  const expected: LedgerLine[] = [];
  for (const [kind, amount] of script) {
    await post(lease, kind, amount);
    expected.push(...postingLines(kind, amount));
  }
  const balances = await ledgerBalances(db, lease);
  expect(balances.tenant_receivable).toBe(tenantBalance(expected));
  // invoices − payments + fees − credits, with the reversal, damages and the deposit applied: settled at move-out.
  const invoices = 450_000;
  const payments = 150_000 + 100_000 + 155_000 - 100_000;
  const fees = 5_000 + 30_000;
  const credits = 20_000 + 160_000;
  expect(balances.tenant_receivable).toBe(invoices - payments + fees - credits);
  expect(balances.tenant_receivable).toBe(0);
  expect(balances.deposits_held).toBe(0);
  expect(balances.cash).toBe(200_000 + 150_000 + 100_000 - 100_000 + 155_000 - 40_000);
  expect(balances.rental_income).toBe(450_000 - 20_000);
  expect(await unbalancedTransactions(db, lease)).toEqual([]);
});

test('a posting runs once per idempotency key, and a key reused for another posting is refused', async () => {
  const lease = randomUUID();
  const key = `rent:${randomUUID()}`;
  const first = await post(lease, 'rent_charged', 120_000, key);
  const again = await post(lease, 'rent_charged', 120_000, key);
  expect(first.created).toBe(true);
  expect(again).toEqual({ transactionId: first.transactionId, created: false });
  expect((await ledgerBalances(db, lease)).tenant_receivable).toBe(120_000);
  await expect(post(lease, 'rent_charged', 130_000, key)).rejects.toThrow(/different posting/);
});

test('concurrent attempts at one posting post it once', async () => {
  const lease = randomUUID();
  const key = `payment:${randomUUID()}`;
  const results = await Promise.allSettled([1, 2, 3, 4].map(() => post(lease, 'payment_received', 50_000, key)));
  const created = results.filter((r) => r.status === 'fulfilled' && r.value.created).length;
  expect(created).toBe(1);
  expect((await ledgerBalances(db, lease)).cash).toBe(50_000);
});

test('Postgres refuses lines that do not balance, whoever writes them', async () => {
  const lease = randomUUID();
  const { transactionId } = await post(lease, 'rent_charged', 10_000);
  await expect(
    db.query(
      `insert into ledger_lines (transaction_id, lease_id, account, debit_minor, credit_minor, currency)
       values ($1, $2, 'cash', 1, 0, 'USD')`,
      { bind: [transactionId, lease] },
    ),
  ).rejects.toThrow(/does not balance/);
  expect(await unbalancedTransactions(db, lease)).toEqual([]);
});

test('amounts are whole minor units in any currency, including zero-decimal yen', async () => {
  const lease = randomUUID();
  await post(lease, 'rent_charged', 98_000, randomUUID(), 'JPY');
  await post(lease, 'payment_received', 98_000, randomUUID(), 'JPY');
  const balances = await ledgerBalances(db, lease);
  expect(balances.tenant_receivable).toBe(0);
  expect(balances.cash).toBe(98_000);
  await expect(post(lease, 'rent_charged', 0.5)).rejects.toThrow(RangeError);
});

test('the invariants hold when the ledger and the lease records agree, and name the gap when they do not', async () => {
  const lease = randomUUID();
  await db.query(
    `insert into lease_charges (id, lease_id, kind, period_index, for_day, due_on, amount_minor, open_minor, currency, created_at)
     values (gen_random_uuid(), $1, 'rent', 1, '2026-01-01', '2026-01-01', 150000, 150000, 'USD', now())`,
    { bind: [lease] },
  );
  // An invoice without its posting: the ledger says nothing is owed.
  expect(await ledgerInvariantViolations(db, lease)).toEqual([expect.stringMatching(/owes 0; invoices 150000 − payments 0 − credits 0 = 150000/)]);
  await post(lease, 'rent_charged', 150_000);
  expect(await ledgerInvariantViolations(db, lease)).toEqual([]);
  await db.query(
    `insert into payments (id, idempotency_key, lease_id, reference, method, amount_minor, currency, status, created_at, updated_at)
     values (gen_random_uuid(), $1, $2, 'cash', 'cash', 150000, 'USD', 'succeeded', now(), now())`,
    { bind: [randomUUID(), lease] },
  );
  await post(lease, 'payment_received', 150_000);
  expect(await ledgerInvariantViolations(db, lease)).toEqual([]);
});
