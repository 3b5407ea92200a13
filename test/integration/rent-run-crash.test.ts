/**
 * Crash safety of the rent run, on the real services (the Temporal dev server,
 * Postgres, localstripe, the SMTP sink) with the real worker process: 40 active
 * lease workflows wait for today's rent; the rent run starts, the worker process
 * is killed with SIGKILL in the middle of it and started again. Afterwards
 * every period due is paid exactly once, counted in localstripe's payment
 * intents and in the ledger, and each tenant got exactly one "payment received"
 * e-mail: none lost, none doubled.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
import type Stripe from 'stripe';
import { leaseStateQuery, leaseWorkflowId } from '../../contracts/lease';
import { RENT_RUN_WORKFLOW_TYPE, type RentRunWorkflow } from '../../contracts/rent-run';
import { leaseBalances, ledgerInvariantViolations } from '../../lib/ledger';
import { leaseBook } from '../../domain/ledger';
import { createStripe } from '../../lib/stripe';
import { createHarness, eventually, type Harness } from '../support/harness';
import { activeLeaseInput, countRows, rentRunProgress, startLeaseWorkflow } from '../support/leases';
import { savedCard } from '../support/stripe';
import { deleteSchedulesOf, killAllWorkerProcesses, startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const LEASES = 40;
/** The test's calendar day, as the lease workflows and the rent run see it (UTC). */
const TODAY = new Date().toISOString().slice(0, 10);

let h: Harness;
let stripe: Stripe;
let queuePrefix: string;
const leaseIds: string[] = [];

function startWorker(): WorkerProcess {
  // The daily schedule the worker creates fires at RENT_RUN_TIME: keep it twelve hours away, so only our run collects.
  const scheduleHour = String((new Date().getUTCHours() + 12) % 24).padStart(2, '0');
  return startWorkerProcess(h, queuePrefix, {
    // Slow enough that the run takes several seconds, so the kill lands in its middle.
    STRIPE_MAX_REQUESTS_PER_SECOND: '8',
    RENT_RUN_CONCURRENCY: '4',
    RENT_RUN_TIME: `${scheduleHour}:00`,
    RENT_RUN_TIME_ZONE: 'UTC',
  });
}

/** Waits as `eventually` does; on a timeout the error carries the end of the worker's log, which says why. */
async function waitFor<T>(worker: WorkerProcess, check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  return eventually(check, timeoutMs, what).catch((err: Error) => {
    throw new Error(`${err.message}\n--- worker output (end) ---\n${worker.output().slice(-4000)}`);
  });
}

const started = (worker: WorkerProcess) => waitFor(worker, async () => worker.output().includes('worker started'), 120_000, 'the worker process to start');

const count = (sql: string, bind: unknown[]) => countRows(h.db, sql, bind);

const runProgress = () => rentRunProgress(h.db, leaseIds);

/** A lease already active (its second term, as after a renewal), waiting for the rent run's charge of the period due today. */
async function startLease(): Promise<string> {
  const input = activeLeaseInput(await savedCard(stripe), TODAY);
  await startLeaseWorkflow(h.client, `${queuePrefix}-leases`, input);
  return input.terms.leaseId;
}

/** What each lease ended up with, from localstripe, Postgres and its workflow. */
async function outcomeOf(leaseId: string, intents: Stripe.PaymentIntent[]) {
  const mine = intents.filter((pi) => pi.metadata.leaseId === leaseId);
  const [invoice] = await h.db.query<{ n: number; open: number }>(
    `select count(*)::int as n, coalesce(sum(open_minor), 0)::int as open from lease_charges where lease_id = $1 and kind = 'rent'`,
    { bind: [leaseId], type: QueryTypes.SELECT },
  );
  const notifications = await h.db.query<{ template: string; sent: boolean }>(
    'select template, sent_at is not null as sent from notification_outbox where lease_id = $1 order by created_at',
    { bind: [leaseId], type: QueryTypes.SELECT },
  );
  const balances = await leaseBalances(h.db, leaseId);
  const state = await h.client.workflow.getHandle(leaseWorkflowId(leaseId)).query(leaseStateQuery);
  return {
    succeededIntents: mine.length,
    chargedMinor: mine.reduce((n, pi) => n + pi.amount, 0),
    rentInvoices: invoice!.n,
    openMinor: invoice!.open,
    succeededPayments: await count(`select count(*)::int as n from payments where lease_id = $1 and status = 'succeeded'`, [leaseId]),
    cashMinor: balances.cash,
    receivableMinor: balances.tenant_receivable,
    ledgerProblems: await ledgerInvariantViolations(h.db, leaseBook(leaseId)),
    notifications,
    paidMinor: state.paidMinor,
  };
}

/** Activity attempts of a workflow that were retries: the batch the kill interrupted shows as attempt 2 or later. */
async function retriedAttempts(handle: WorkflowHandle): Promise<number> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1).length;
}

beforeAll(async () => {
  h = await createHarness('rent_crash');
  stripe = createStripe(h.config);
  queuePrefix = `crash-${h.indexPrefix.slice(-8)}`;
});

afterAll(async () => {
  killAllWorkerProcesses();
  if (h) await deleteSchedulesOf(h, queuePrefix);
  // The leases would otherwise wait for next month's rent and their move-out.
  await Promise.all(leaseIds.map((id) => h.client.workflow.getHandle(leaseWorkflowId(id)).terminate().catch(() => undefined)));
  await h?.close();
});

test('a worker killed (SIGKILL) mid rent run and started again: every period due is paid exactly once, no notification lost', async () => {
  const first = startWorker();
  leaseIds.push(...(await Promise.all(Array.from({ length: LEASES }, startLease))));
  await started(first);
  // Each lease workflow writes its own periods; today's is the one the run collects.
  await waitFor(
    first,
    async () => (await count('select count(*)::int as n from rent_periods where due_on = $2 and lease_id = any($1::uuid[])', [leaseIds, TODAY])) === LEASES,
    60_000,
    'every lease to schedule its periods',
  );

  const run = await h.client.workflow.start<RentRunWorkflow>(RENT_RUN_WORKFLOW_TYPE, {
    workflowId: `rent-run-crash-${TODAY}-${randomUUID().slice(0, 6)}`,
    taskQueue: `${queuePrefix}-rent`,
    args: [{ runDate: TODAY, batchSize: 10 }],
  });
  // Kill once some periods are done and a batch holds others it has not finished: mid-run and mid-batch.
  await waitFor(
    first,
    async () => {
      const { decided, inFlight } = await runProgress();
      return decided >= 8 && inFlight > 0;
    },
    60_000,
    'the rent run to be part-way through a batch',
  );
  first.proc.kill('SIGKILL');
  await first.exited;
  const atCrash = await runProgress();
  expect(atCrash.decided).toBeGreaterThanOrEqual(8);
  expect(atCrash.decided).toBeLessThan(LEASES);
  expect(atCrash.inFlight).toBeGreaterThan(0);

  const second = startWorker();
  await started(second);
  // The batch in flight is handed over after its heartbeat timeout (1 minute) and retried on the new process.
  const result = await run.result();
  expect(result).toMatchObject({ runDate: TODAY, status: 'completed', processed: LEASES, charged: LEASES, failed: 0, retrying: 0 });
  expect(await retriedAttempts(run)).toBeGreaterThan(0); // the batch the kill interrupted ran again

  // Each lease takes the outcome from the run's signal, records the payment and sends its e-mail
  // (an activity in flight at the kill is retried after its 2-minute start-to-close timeout).
  await waitFor(
    second,
    async () =>
      (await count(
        `select count(*)::int as n from notification_outbox where template = 'payment_received' and sent_at is not null and lease_id = any($1::uuid[])`,
        [leaseIds],
      )) >= LEASES,
    240_000,
    'every lease to send its payment_received e-mail',
  );

  const allIntents: Stripe.PaymentIntent[] = [];
  for await (const pi of stripe.paymentIntents.list({ limit: 100 })) if (pi.status === 'succeeded') allIntents.push(pi);
  const due = await h.db.query<{ lease_id: string; amount_minor: number }>(
    `select lease_id, amount_minor::int as amount_minor from rent_periods where due_on = $2 and lease_id = any($1::uuid[])`,
    { bind: [leaseIds, TODAY], type: QueryTypes.SELECT },
  );
  const amountDue = new Map(due.map((p) => [p.lease_id, p.amount_minor]));

  const actual: Record<string, Awaited<ReturnType<typeof outcomeOf>>> = {};
  const expected: typeof actual = {};
  for (const id of leaseIds) {
    actual[id] = await outcomeOf(id, allIntents);
    const amount = amountDue.get(id)!;
    expected[id] = {
      succeededIntents: 1,
      chargedMinor: amount,
      rentInvoices: 1,
      openMinor: 0,
      succeededPayments: 1,
      cashMinor: amount,
      receivableMinor: 0,
      ledgerProblems: [],
      notifications: [{ template: 'payment_received', sent: true }],
      paidMinor: amount,
    };
  }
  expect(actual).toEqual(expected);
}, 480_000);
