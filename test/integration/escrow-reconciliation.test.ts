/**
 * The daily escrow reconciliation on the real Postgres: escrow posted to
 * purchase books through the ledger, purchases whose stored state says what
 * they hold, the activity comparing them and storing the day's report; then
 * the admin routes running it through a purchase worker and listing the
 * reports; and the daily schedule as the worker declares it.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { todayUtc } from '../../domain/calendar';
import { purchaseBook, type PostingKind } from '../../domain/ledger';
import {
  ESCROW_RECONCILIATION_WORKFLOW_TYPE,
  escrowReconciliationScheduleId,
  type EscrowReconciliationReport,
} from '../../contracts/escrow-reconciliation';
import { createEscrowReconciliationActivities } from '../../activities/escrow-reconciliation';
import { postToLedger } from '../../lib/ledger';
import { createStripe } from '../../lib/stripe';
import { createPurchaseWorker } from '../../workers/purchase-worker';
import { ensureSchedules } from '../../workers/schedules';
import { createListing, createProperty, expectProblem } from '../support/api-scenarios';
import { createHarness, requestVia, workflowBundle, type Harness } from '../support/harness';

type User = Awaited<ReturnType<Harness['user']>>;

let h: Harness;
let admin: User, ops: User, owner: User, buyer: User;
let listingId: string, propertyId: string;

const warnings: { message: string; meta?: Record<string, unknown> }[] = [];
const logger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => void warnings.push({ message, meta }),
  error: () => undefined,
};

beforeAll(async () => {
  h = await createHarness('escrow');
  await h.startWorker();
  [admin, ops, owner, buyer] = await Promise.all([h.user(['admin']), h.user(['ops']), h.user(['owner']), h.user(['buyer'])]);
  const property = await createProperty(h, owner.token);
  propertyId = property.id;
  listingId = (await createListing(h, owner.token, propertyId, { status: 'active' })).id;
});

afterAll(async () => {
  await h?.close();
});

interface Escrow {
  currency?: string;
  receivedMinor: number;
  disposition: 'held' | 'applied' | 'refunded' | 'released' | null;
}

/** A purchases row as the purchase workflow writes it, its state reduced to what the reconciliation reads. */
async function purchase(stage: string, escrow: Escrow): Promise<string> {
  const id = randomUUID();
  const currency = escrow.currency ?? 'USD';
  const state = { purchaseId: id, listingId, propertyId, stage, escrow: { currency, earnestMoneyMinor: escrow.receivedMinor || 500_000, dueOn: null, paymentId: null, ...escrow } };
  await h.db.query(
    `insert into purchases (id, listing_id, property_id, stage, buyer_ids, seller_ids, price_minor, currency, state, workflow_id)
     values ($1, $2, $3, $4, $5::uuid[], $6::uuid[], 21500000, $7, $8::jsonb, $9)`,
    { bind: [id, listingId, propertyId, stage, [buyer.id], [owner.id], currency, JSON.stringify(state), `purchase-${id}`] },
  );
  return id;
}

const post = (purchaseId: string, kind: PostingKind, amountMinor: number, currency: 'USD' | 'EUR' = 'USD') =>
  postToLedger(h.db, {
    book: purchaseBook(purchaseId),
    propertyId,
    kind,
    amountMinor,
    currency,
    occurredOn: '2025-01-10',
    idempotencyKey: `test:${purchaseId}:${kind}:${randomUUID()}`,
  });

const reconcile = (asOf: string, workflowId = `escrow-reconciliation-${asOf}-test`): Promise<EscrowReconciliationReport> =>
  new MockActivityEnvironment({}, { logger }).run(createEscrowReconciliationActivities({ db: h.db }).reconcileEscrow, { asOf, workflowId });

const storedRows = (asOf: string) =>
  h.db.query<{ id: string; status: string; report: EscrowReconciliationReport }>('select id::text as id, status, report from escrow_reconciliations where as_of = $1', {
    bind: [asOf],
    type: QueryTypes.SELECT,
  });

describe('the activity on Postgres', () => {
  test('purchases holding what their books hold reconcile; ended purchases whose books are empty are not compared', async () => {
    const held = await purchase('under_contract', { receivedMinor: 500_000, disposition: 'held' });
    await post(held, 'escrow_received', 500_000);
    const heldEur = await purchase('clear_to_close', { currency: 'EUR', receivedMinor: 250_000, disposition: 'held' });
    await post(heldEur, 'escrow_received', 250_000, 'EUR');
    await purchase('negotiating', { receivedMinor: 0, disposition: null });
    const refunded = await purchase('terminated', { receivedMinor: 500_000, disposition: 'refunded' });
    await post(refunded, 'escrow_received', 500_000);
    await post(refunded, 'escrow_released', 500_000);
    const closed = await purchase('closed', { receivedMinor: 500_000, disposition: 'applied' });
    await post(closed, 'escrow_received', 500_000);
    await post(closed, 'proceeds_allocated', 500_000);

    const report = await reconcile('2025-01-15');
    expect(report).toMatchObject({ asOf: '2025-01-15', workflowId: 'escrow-reconciliation-2025-01-15-test', status: 'balanced', purchasesCompared: 3 });
    expect(report.currencies).toEqual([
      { currency: 'EUR', purchasesHeldMinor: 250_000, ledgerHeldMinor: 250_000, differenceMinor: 0, differences: [] },
      { currency: 'USD', purchasesHeldMinor: 500_000, ledgerHeldMinor: 500_000, differenceMinor: 0, differences: [] },
    ]);
    expect(Number.isNaN(Date.parse(report.ranAt))).toBe(false);
    const [row, ...more] = await storedRows('2025-01-15');
    expect(more).toEqual([]);
    expect(row).toMatchObject({ id: report.id, status: 'balanced', report: { status: 'balanced', currencies: report.currencies } });
    expect(warnings).toEqual([]);
  });

  test('a purchase whose state says nothing is held while its book still holds 500000 is a difference with both figures; the rerun replaces the day\'s report', async () => {
    const first = (await storedRows('2025-01-15'))[0]!;
    const disagrees = await purchase('terminated', { receivedMinor: 500_000, disposition: 'refunded' });
    await post(disagrees, 'escrow_received', 500_000); // the refund was never posted

    const report = await reconcile('2025-01-15');
    expect(report).toMatchObject({ id: first.id, status: 'differences', purchasesCompared: 4 });
    expect(report.currencies.find((c) => c.currency === 'USD')).toEqual({
      currency: 'USD',
      purchasesHeldMinor: 500_000,
      ledgerHeldMinor: 1_000_000,
      differenceMinor: 500_000,
      differences: [{ purchaseId: disagrees, stage: 'terminated', purchaseHeldMinor: 0, ledgerHeldMinor: 500_000, differenceMinor: 500_000 }],
    });
    expect(report.currencies.find((c) => c.currency === 'EUR')).toMatchObject({ differenceMinor: 0, differences: [] });
    const rows = await storedRows('2025-01-15');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first.id, status: 'differences', report: { currencies: report.currencies } });
    // No operations mailbox is configured: the difference is a logged warning carrying the report.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/escrow does not reconcile on 2025-01-15: 1 purchase/);
    expect(warnings[0]!.meta).toMatchObject({ report: { id: first.id, status: 'differences' }, differences: [{ purchaseId: disagrees, currency: 'USD', ledgerHeldMinor: 500_000, purchaseHeldMinor: 0 }] });

    // Put right (the refund posted): the books reconcile again.
    await post(disagrees, 'escrow_released', 500_000);
    expect(await reconcile('2025-01-15')).toMatchObject({ id: first.id, status: 'balanced' });
  });

  test('a purchase saying it holds money its book never received, and a book no purchase owns, are differences too', async () => {
    const unpaid = await purchase('under_contract', { receivedMinor: 300_000, disposition: 'held' });
    const orphan = randomUUID();
    await post(orphan, 'escrow_received', 70_000);
    const report = await reconcile('2025-01-16');
    const usd = report.currencies.find((c) => c.currency === 'USD')!;
    expect(usd.differences).toEqual([
      { purchaseId: unpaid, stage: 'under_contract', purchaseHeldMinor: 300_000, ledgerHeldMinor: 0, differenceMinor: -300_000 },
      { purchaseId: orphan, stage: null, purchaseHeldMinor: 0, ledgerHeldMinor: 70_000, differenceMinor: 70_000 },
    ]);
    expect(usd).toMatchObject({ purchasesHeldMinor: 800_000, ledgerHeldMinor: 570_000, differenceMinor: -230_000 });
    // Tidy up for the API's run below: the purchase's money arrives, the stray book is emptied.
    await post(unpaid, 'escrow_received', 300_000);
    await post(orphan, 'escrow_released', 70_000);
    expect((await reconcile('2025-01-16')).status).toBe('balanced');
  });

  test('a late retry of an older snapshot leaves the newer report of that day alone', async () => {
    await h.db.query(
      `insert into escrow_reconciliations (as_of, ran_at, status, report, workflow_id) values ('2025-01-14', now() + interval '1 hour', 'balanced', '{"marker": "newer"}', 'newer-run')`,
    );
    const report = await reconcile('2025-01-14', 'older-run');
    const rows = await h.db.query<{ id: string; workflow_id: string; report: { marker?: string } }>(
      "select id::text as id, workflow_id, report from escrow_reconciliations where as_of = '2025-01-14'",
      { type: QueryTypes.SELECT },
    );
    expect(rows).toEqual([{ id: report.id, workflow_id: 'newer-run', report: { marker: 'newer' } }]);
    await h.db.query("delete from escrow_reconciliations where as_of = '2025-01-14'");
  });
});

describe('the admin routes', () => {
  /** The routes on an app whose purchases queue is this file's, with the purchase worker on it while `fn` runs. */
  async function withPurchaseWorker<T>(taskQueue: string, fn: () => Promise<T>): Promise<T> {
    const worker: Worker = await createPurchaseWorker({
      connection: h.nativeConnection,
      namespace: h.config.temporal.namespace,
      taskQueue,
      deps: { db: h.db, stripe: createStripe(h.config), offSessionConfirm: false, temporal: h.client, notificationTaskQueue: h.notificationTaskQueue, searchTaskQueue: h.taskQueue },
      workflowBundle: await workflowBundle(),
      shutdownGraceSeconds: 5,
    });
    return worker.runUntil(fn());
  }

  test('POST runs today\'s reconciliation through the purchase worker and answers its report; GET lists the reports newest day first', async () => {
    const taskQueue = `${h.taskQueue}-escrow`;
    const app = createApp({ ...h.deps, purchaseTaskQueue: taskQueue });
    const res = await withPurchaseWorker(taskQueue, () => requestVia(app, '/v1/admin/escrow-reconciliations', { method: 'POST', token: admin.token }));
    const text = await res.text();
    if (res.status !== 200) throw new Error(`POST: ${res.status} ${text.slice(0, 500)}`);
    const report = JSON.parse(text) as EscrowReconciliationReport;
    expect(report).toMatchObject({ asOf: todayUtc(), status: 'balanced', workflowId: expect.stringMatching(new RegExp(`^escrow-reconciliation-${todayUtc()}-manual-`)) });
    expect(report.currencies.map((c) => c.currency)).toEqual(['EUR', 'USD']);
    const run = await h.client.workflow.getHandle(report.workflowId).describe();
    expect(run.status.name).toBe('COMPLETED');
    expect(run.taskQueue).toBe(taskQueue);

    const list = await requestVia(app, '/v1/admin/escrow-reconciliations?limit=10', { token: ops.token });
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: EscrowReconciliationReport[] };
    expect(items.map((r) => [r.asOf, r.status])).toEqual([
      [todayUtc(), 'balanced'],
      ['2025-01-16', 'balanced'],
      ['2025-01-15', 'balanced'],
    ]);
    expect(items[0]).toEqual(report);
    const one = (await (await requestVia(app, '/v1/admin/escrow-reconciliations?limit=1', { token: admin.token })).json()) as { items: EscrowReconciliationReport[] };
    expect(one.items.map((r) => r.asOf)).toEqual([todayUtc()]);

    await expectProblem(await requestVia(app, '/v1/admin/escrow-reconciliations', { method: 'POST', token: ops.token }), 403, 'forbidden');
    await expectProblem(await requestVia(app, '/v1/admin/escrow-reconciliations?limit=0', { token: admin.token }), 422, 'validation-error');
  });

  test('with no purchase worker polling, POST answers 503 after its wait, naming the run, which goes on', async () => {
    const taskQueue = `${h.taskQueue}-no-worker`;
    const app = createApp({ ...h.deps, purchaseTaskQueue: taskQueue });
    const p = await expectProblem(await requestVia(app, '/v1/admin/escrow-reconciliations', { method: 'POST', token: admin.token }), 503, 'service-unavailable');
    const workflowId = /escrow-reconciliation-\S+-manual-[0-9a-f]+/.exec(p.detail ?? '')?.[0];
    expect(workflowId).toBeDefined();
    const handle = h.client.workflow.getHandle(workflowId!);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test finished');
  }, 90_000);
});

describe('the daily schedule', () => {
  /** A Temporal client that only records what is asked of its schedules. */
  function recordingClient() {
    const created: Record<string, unknown>[] = [];
    const updated: { id: string; next: Record<string, unknown> }[] = [];
    const existing = new Map<string, Record<string, unknown>>();
    const client = {
      schedule: {
        async create(options: Record<string, unknown> & { scheduleId: string }) {
          if (existing.has(options.scheduleId)) throw new ScheduleAlreadyRunning('schedule already exists', options.scheduleId);
          existing.set(options.scheduleId, options);
          created.push(options);
        },
        getHandle: (id: string) => ({
          async update(fn: (s: Record<string, unknown>) => Record<string, unknown>) {
            updated.push({ id, next: fn(existing.get(id)!) });
          },
        }),
      },
    };
    return { client: client as unknown as Client, created, updated };
  }

  test('runs on the purchases queue at 05:00 UTC, skipping an overlap and catching up one day; a worker starting again keeps it as declared', async () => {
    const queues = { search: 'q-search', rent: 'q-rent', leases: 'q-leases', purchases: 'q-purchases', operations: 'q-operations', reports: 'q-reports' };
    const { client, created, updated } = recordingClient();
    const ids = await ensureSchedules(client, queues, { time: '06:00', timeZone: 'UTC' });
    const id = escrowReconciliationScheduleId('q-purchases');
    expect(id).toBe('q-purchases-daily-escrow-reconciliation');
    expect(ids).toContain(id);
    expect(created.find((s) => s.scheduleId === id)).toMatchObject({
      spec: { calendars: [{ hour: 5, minute: 0 }], timezone: 'UTC' },
      action: { type: 'startWorkflow', workflowType: ESCROW_RECONCILIATION_WORKFLOW_TYPE, taskQueue: 'q-purchases', workflowId: 'escrow-reconciliation', args: [{}] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    expect(await ensureSchedules(client, queues, { time: '06:00', timeZone: 'UTC' })).toEqual([]);
    expect(updated.find((u) => u.id === id)?.next).toMatchObject({ spec: { calendars: [{ hour: 5, minute: 0 }], timezone: 'UTC' }, action: { taskQueue: 'q-purchases', args: [{}] } });
  });
});
