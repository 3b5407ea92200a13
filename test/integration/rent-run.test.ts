/**
 * The daily rent run on the real services: Postgres, localstripe and the
 * Temporal dev server. Leases are seeded as their workflows leave them (a
 * lease row with its card, its periods in rent_periods); the run bills,
 * charges and records each period due. Run twice, or twice at once, it makes
 * one invoice and at most one successful charge per period.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type Stripe from 'stripe';
import { RENT_RUN_WORKFLOW_TYPE, rentRunProgressQuery, type RentRunWorkflow } from '../../contracts/rent-run';
import { ledgerInvariantViolations } from '../../lib/ledger';
import { leaseBook } from '../../domain/ledger';
import { createStripe } from '../../lib/stripe';
import { createHarness, type Harness } from '../support/harness';
import { paymentIntentsWhere, savedCard } from '../support/stripe';
import { startRentWorker, type RunningWorkers } from '../support/workers';

let h: Harness;
let stripe: Stripe;
let worker: RunningWorkers;

beforeAll(async () => {
  h = await createHarness('rent_run');
  stripe = createStripe(h.config);
  worker = await startRentWorker(h, { stripe, concurrency: 4 });
});

afterAll(async () => {
  await worker?.stop();
  await h?.close();
});

const card = (number: string) => savedCard(stripe, number);

/** An active lease as its workflow leaves it: the card on the lease row, a period due on `dueOn`. */
async function seedLease(dueOn: string, cardNumber = '4242424242424242', amountMinor = 120_000, currency = 'USD') {
  const leaseId = randomUUID();
  const pm = await card(cardNumber);
  await h.db.query(
    `insert into leases (id, status, tenant_ids, workflow_id, customer_id, payment_method_id, created_at, updated_at)
     values ($1, 'active', '{}', $2, $3, $4, now(), now())`,
    { bind: [leaseId, `lease-${leaseId}`, pm.customerId, pm.paymentMethodId] },
  );
  await h.db.query(
    `insert into rent_periods (lease_id, period_index, period_from, period_to, due_on, amount_minor, currency, created_at)
     values ($1, 2, $2, ($2::date + 29), $2, $3, $4, now())`,
    { bind: [leaseId, dueOn, amountMinor, currency] },
  );
  return leaseId;
}

async function runRent(runDate: string, id = `rent-run-${runDate}-${randomUUID().slice(0, 6)}`) {
  return h.client.workflow.execute<RentRunWorkflow>(RENT_RUN_WORKFLOW_TYPE, { workflowId: id, taskQueue: h.rentTaskQueue, args: [{ runDate, batchSize: 3 }] });
}

const succeededIntents = (leaseIds: string[]) =>
  paymentIntentsWhere(stripe, (pi) => leaseIds.includes(pi.metadata.leaseId ?? '') && pi.status === 'succeeded');

async function invoices(leaseIds: string[]) {
  return h.db.query<{ lease_id: string; n: string }>(
    `select lease_id, count(*) as n from lease_charges where kind = 'rent' and lease_id = any($1::uuid[]) group by lease_id`,
    { bind: [leaseIds], type: QueryTypes.SELECT },
  );
}

test('a run collects every period due (and overdue) in batches, reports progress, and a second run of the day charges nothing more', async () => {
  const day = '2031-03-01';
  const due = await Promise.all([0, 1, 2, 3, 4].map(() => seedLease(day)));
  const overdue = await seedLease('2031-02-27', '4242424242424242', 500_000, 'JPY');
  const declined = await seedLease(day, '4000000000000341');
  const later = await seedLease('2040-03-02'); // not due yet
  const leases = [...due, overdue, declined];

  const first = await runRent(day);
  expect(first).toMatchObject({ runDate: day, status: 'completed', processed: 7, charged: 6, retrying: 1, failed: 0 });
  expect(first.batches).toBeGreaterThanOrEqual(3); // batches of 3

  const second = await runRent(day);
  expect(second).toMatchObject({ processed: 0, charged: 0 });

  const invoiced = await invoices([...leases, later]);
  expect(invoiced.map((r) => r.lease_id).sort()).toEqual([...leases].sort()); // not the one due tomorrow
  expect(invoiced.every((r) => Number(r.n) === 1)).toBe(true);
  const intents = await succeededIntents(leases);
  expect(intents).toHaveLength(6);
  expect(new Set(intents.map((pi) => pi.metadata.leaseId)).size).toBe(6);
  expect(intents.find((pi) => pi.metadata.leaseId === overdue)).toMatchObject({ amount: 500_000, currency: 'jpy' });
  const [rejected] = await h.db.query<{ outcome: string; decline_kind: string }>(
    'select outcome, decline_kind from rent_periods where lease_id = $1',
    { bind: [declined], type: QueryTypes.SELECT },
  );
  expect(rejected).toEqual({ outcome: 'failed', decline_kind: 'soft' });
  for (const id of leases) expect(await ledgerInvariantViolations(h.db, leaseBook(id))).toEqual([]);
});

test('two runs of one day at the same time split the work: one invoice and one charge per period', async () => {
  const day = '2031-04-01';
  const leases = await Promise.all(Array.from({ length: 8 }, () => seedLease(day)));
  const [a, b] = await Promise.all([runRent(day), runRent(day)]);
  expect(a.processed + b.processed).toBe(8);
  expect(a.charged + b.charged).toBe(8);
  const invoiced = await invoices(leases);
  expect(invoiced).toHaveLength(8);
  expect(invoiced.every((r) => Number(r.n) === 1)).toBe(true);
  expect(await succeededIntents(leases)).toHaveLength(8);
});

test('progress is a query and search attributes operations staff can filter on', async () => {
  const day = '2031-05-01';
  await Promise.all([0, 1].map(() => seedLease(day)));
  const id = `rent-run-${day}-${randomUUID().slice(0, 6)}`;
  await runRent(day, id);
  const handle = h.client.workflow.getHandle(id);
  expect(await handle.query(rentRunProgressQuery)).toMatchObject({ runDate: day, processed: 2, charged: 2, status: 'completed' });
  const described = await handle.describe();
  const attrs = described.searchAttributes as Record<string, unknown[]>;
  expect(attrs.RentRunDate).toEqual([day]);
  expect(attrs.RentRunProcessed).toEqual([2]);
  expect(attrs.RentRunCharged).toEqual([2]);
  expect(attrs.ProcessStatus).toEqual(['completed']);
});
