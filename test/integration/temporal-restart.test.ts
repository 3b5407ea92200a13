/**
 * The Temporal server stopped and started again (same port, same SQLite file)
 * in the middle of a lease's signing and of a rent run, on a dev server of
 * this file's own (the shared one serves other test files meanwhile), with
 * the shared Postgres, localstripe and SMTP sink, the worker process as
 * deployed and the API in-process, both pointed at our server.
 *
 *   - signing: a lease offered through the API, one party signed, Temporal
 *     stopped. While it is down, the reads that fall back (GET a lease, an
 *     envelope) answer 200 from the database, and every route that needs
 *     Temporal answers 503 problem+json (service-unavailable), never 500, in
 *     well under a minute (about 20 s where the SDK's own retries are the only
 *     bound). Once it is back, the API's client and the worker reconnect by
 *     themselves, the other party signs, and the lease goes active with its
 *     deposit and first rent charged exactly once (localstripe, payments, ledger).
 *   - rent run: 20 active leases wait for today's rent; the run, throttled by
 *     a low Stripe rate, is part-way through a batch when Temporal stops. The
 *     batch goes on charging meanwhile, then fails on its signals to the leases;
 *     once Temporal is back the batch is retried, the run completes, every
 *     period is paid exactly once, and every lease hears of its payment (the
 *     retry signals again what the failed attempt recorded but could not tell).
 *
 * Every wait is on state (the API, the database, a workflow query), bounded.
 * The observations (statuses and durations while down, restart times) are
 * printed at the end; TEMPORAL_RESTART_WORKER_LOG=<file> keeps the worker's log.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
import type Stripe from 'stripe';
import { createApp } from '../../api/app';
import { leaseStateQuery, leaseWorkflowId, rentCollectedSignal } from '../../contracts/lease';
import { RENT_RUN_WORKFLOW_TYPE, type RentRunWorkflow } from '../../contracts/rent-run';
import { leaseBook } from '../../domain/ledger';
import { leaseBalances, ledgerInvariantViolations } from '../../lib/ledger';
import { createStripe } from '../../lib/stripe';
import { createProperty, expectProblem, leaseBody, leaseWhen, startLease, type LeaseStateBody } from '../support/api-scenarios';
import { createHarness, eventually, requestVia, type Harness } from '../support/harness';
import { activeLeaseInput, countRows, rentRunProgress, startLeaseWorkflow } from '../support/leases';
import { paymentIntentsWhere, savedCard } from '../support/stripe';
import { killAllTemporalServers, startTemporalDevServer, type TemporalDevServer } from '../support/temporal-server';
import { killAllWorkerProcesses, startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/** The test's calendar day, as the lease workflows and the rent run see it (UTC). */
const TODAY = new Date().toISOString().slice(0, 10);
const RENT_LEASES = 20;
/** A request while Temporal is down must answer within this (the SDK's own retries take about 20 s when nothing is set). */
const DOWN_ANSWER_MS = 45_000;

let h: Harness;
/** `h` with its API and client on our own Temporal server (the helpers of api-scenarios take a Harness). */
let api: Harness;
let temporal: TemporalDevServer;
let connection: Connection;
let client: Client;
let stripe: Stripe;
let worker: WorkerProcess;
let queuePrefix: string;
const observations: Record<string, unknown> = {};

function startWorker(): WorkerProcess {
  // The daily schedule the worker creates fires at RENT_RUN_TIME: keep it twelve hours away, so only our run collects.
  const scheduleHour = String((new Date().getUTCHours() + 12) % 24).padStart(2, '0');
  return startWorkerProcess(h, queuePrefix, {
    TEMPORAL_ADDRESS: temporal.address,
    // Slow enough that the rent run takes several seconds (a charge is two requests), so the stop lands in its middle.
    STRIPE_MAX_REQUESTS_PER_SECOND: '4',
    RENT_RUN_CONCURRENCY: '4',
    RENT_RUN_TIME: `${scheduleHour}:00`,
    RENT_RUN_TIME_ZONE: 'UTC',
  });
}

/** Waits as `eventually` does; on a timeout the error carries the end of the worker's and the server's logs. */
async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  return eventually(check, timeoutMs, what).catch((err: Error) => {
    throw new Error(
      `${err.message}\n--- worker output (end) ---\n${worker?.output().slice(-4000)}\n--- temporal log (end) ---\n${temporal?.logTail(2000)}`,
    );
  });
}

/** `promise`, or a failure naming `what` (and the logs) after `timeoutMs`. */
async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n--- worker output (end) ---\n${worker?.output().slice(-4000)}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a request and says how long it took. */
async function timed(what: string, request: () => Promise<Response>): Promise<{ res: Response; ms: number }> {
  const started = performance.now();
  const res = await request();
  const ms = Math.round(performance.now() - started);
  observations[what] = { status: res.status, ms };
  return { res, ms };
}

const count = (sql: string, bind: unknown[]) => countRows(h.db, sql, bind);

let outages = 0;

/** Temporal stopped; `during` runs while it is down; then started again (same port, same data file), whatever `during` did. */
async function withTemporalDown<T>(during: () => Promise<T>): Promise<T> {
  const stopAt = performance.now();
  await temporal.stop();
  expect(temporal.isRunning()).toBe(false);
  try {
    return await during();
  } finally {
    const startAt = performance.now();
    await temporal.start();
    observations[`outage ${++outages}`] = { downMs: Math.round(startAt - stopAt), restartMs: Math.round(performance.now() - startAt) };
  }
}

beforeAll(async () => {
  h = await createHarness('temporal_restart');
  stripe = createStripe(h.config);
  queuePrefix = `restart-${h.indexPrefix.slice(-8)}`;
  temporal = await startTemporalDevServer({ namespace: h.config.temporal.namespace });
  connection = await Connection.connect({ address: temporal.address });
  client = new Client({ connection, namespace: h.config.temporal.namespace });
  const leaseTaskQueue = `${queuePrefix}-leases`;
  const app = createApp({ ...h.deps, temporal: client, temporalConnection: connection, leaseTaskQueue });
  api = { ...h, app, client, connection, leaseTaskQueue, request: (path, init) => requestVia(app, path, init) };
  worker = startWorker();
  await waitFor(async () => worker.output().includes('worker started'), 120_000, 'the worker process to start');
}, 240_000);

afterAll(async () => {
  if (worker && worker.proc.exitCode === null) {
    worker.proc.kill('SIGTERM');
    await within(worker.exited, 30_000, 'the worker process to drain').catch(() => undefined);
  }
  if (process.env.TEMPORAL_RESTART_WORKER_LOG) fs.writeFileSync(process.env.TEMPORAL_RESTART_WORKER_LOG, worker?.output() ?? '');
  killAllWorkerProcesses();
  await connection?.close().catch(() => undefined);
  await temporal?.dispose().catch(() => undefined);
  killAllTemporalServers();
  await h?.close();
  process.stdout.write(`temporal-restart observations: ${JSON.stringify(observations, null, 1)}\n`);
}, 120_000);

test('a lease signed across a Temporal restart: 503 problem+json while it is down, then active with the deposit and first rent charged once', async () => {
  const [owner, tenant, admin] = await Promise.all([h.user(['owner'], 'restart-owner'), h.user(['tenant'], 'restart-tenant'), h.user(['admin'], 'restart-admin')]);
  // No manager: the parties are the tenant and the owner (as landlord).
  const property = await createProperty(api, owner.token);
  const card = await savedCard(stripe);
  const leaseId = await startLease(api, owner.token, leaseBody(property.id, [tenant.id], { paymentMethod: card }));
  const awaiting = (await leaseWhen(
    api,
    tenant.token,
    leaseId,
    (s) => s.status === 'awaiting_signatures' && Boolean((s as LeaseStateBody & { envelopeId?: string }).envelopeId),
    'the agreement to go out in its envelope',
    120_000,
  )) as LeaseStateBody & { envelopeId: string };
  const sign = (token: string) =>
    api.request(`/v1/leases/${leaseId}/signatures`, { method: 'POST', token, json: { documentSha256: awaiting.document!.sha256 } });

  const first = await sign(tenant.token);
  expect(first.status).toBe(200);
  expect(((await first.json()) as LeaseStateBody).signatures.map((s) => s.userId)).toEqual([tenant.id]);

  await withTemporalDown(async () => {
    // Reads fall back to the database by design: 200, `source: database`, within their query deadline.
    const [read, envelopeRead] = await Promise.all([
      timed('GET /v1/leases/{id}', () => api.request(`/v1/leases/${leaseId}`, { token: tenant.token })),
      timed('GET /v1/envelopes/{id}', () => api.request(`/v1/envelopes/${awaiting.envelopeId}`, { token: tenant.token })),
    ]);
    expect(read.res.status).toBe(200);
    expect(await read.res.json()).toMatchObject({ leaseId, source: 'database', status: 'awaiting_signatures' });
    expect(envelopeRead.res.status).toBe(200);
    expect(await envelopeRead.res.json()).toMatchObject({ envelopeId: awaiting.envelopeId, source: 'database' });
    for (const { ms } of [read, envelopeRead]) expect(ms).toBeLessThan(DOWN_ANSWER_MS);

    // Every route that needs Temporal: 503 problem+json, not 500 and not a hang. All at once, so the outage lasts one wait.
    const needTemporal = await Promise.all([
      // The lease's signature route asks the lease first (a 3 s query deadline).
      timed('POST /v1/leases/{id}/signatures', () => sign(owner.token)),
      // Starting a workflow: the client's own retries, then its ServiceError (UNAVAILABLE).
      timed('POST /v1/leases', () =>
        api.request('/v1/leases', {
          method: 'POST',
          token: owner.token,
          json: leaseBody(property.id, [tenant.id], { paymentMethod: card }),
          headers: { 'idempotency-key': `offer-while-down-${leaseId}` },
        }),
      ),
      // Updates (update-route.ts): the same, within their 30 s deadline.
      timed('POST /v1/leases/{id}/notes', () => api.request(`/v1/leases/${leaseId}/notes`, { method: 'POST', token: owner.token, json: { text: 'while Temporal is down' } })),
      timed('POST /v1/envelopes/{id}/signatures', () =>
        api.request(`/v1/envelopes/${awaiting.envelopeId}/signatures`, {
          method: 'POST',
          token: owner.token,
          json: { documents: [{ documentId: awaiting.document!.documentId, sha256: awaiting.document!.sha256 }] },
        }),
      ),
      // Describing a workflow.
      timed('GET /v1/admin/search/reindex', () => api.request('/v1/admin/search/reindex', { token: admin.token })),
    ]);
    for (const { res, ms } of needTemporal) {
      const problem = await expectProblem(res, 503, 'service-unavailable');
      expect(problem.detail).toBeTruthy();
      expect(ms).toBeLessThan(DOWN_ANSWER_MS);
    }
    // Those mapped by app.onError (the SDK's ServiceError, cause UNAVAILABLE) say when to retry.
    expect(needTemporal[1]!.res.headers.get('retry-after')).toBe('5');
    const ready = await timed('GET /readyz', () => api.request('/readyz'));
    expect(ready.res.status).toBe(503);
    expect(((await ready.res.json()) as { checks: { temporal: { ok: boolean } } }).checks.temporal.ok).toBe(false);
    // The offer that could not start left no lease behind, and a 503 is not stored against its Idempotency-Key.
    expect(await count('select count(*)::int as n from leases where property_id = $1', [property.id])).toBe(1);
    expect(await count('select count(*)::int as n from idempotency_keys where key = $1', [`offer-while-down-${leaseId}`])).toBe(0);
  });

  // Back: the API's client and the worker reconnect by themselves; the lease answers from its workflow again.
  const back = performance.now();
  await leaseWhen(api, tenant.token, leaseId, (s) => s.status === 'awaiting_signatures' && s.signatures.length === 1, 'the lease to answer again after the restart', 180_000);
  observations['lease answers again after restart (ms)'] = Math.round(performance.now() - back);

  const second = await sign(owner.token);
  expect(second.status).toBe(200);
  const active = await leaseWhen(api, owner.token, leaseId, (s) => s.status === 'active' && s.paidMinor > 0, 'the lease to go active with its first rent paid', 180_000);
  expect(active.signatures.map((s) => s.userId).sort()).toEqual([tenant.id, owner.id].sort());

  // Exactly once: the deposit and the first rent, in localstripe, in payments and in the ledger.
  const intents = await paymentIntentsWhere(stripe, (pi) => pi.metadata.leaseId === leaseId);
  expect(intents.map((pi) => [pi.status, pi.amount]).sort()).toEqual(
    [
      ['succeeded', 200_000],
      ['succeeded', active.paidMinor],
    ].sort(),
  );
  expect(await count(`select count(*)::int as n from payments where lease_id = $1 and status = 'succeeded'`, [leaseId])).toBe(2);
  const balances = await leaseBalances(h.db, leaseId);
  expect(balances).toMatchObject({ deposits_held: 200_000, cash: 200_000 + active.paidMinor, tenant_receivable: 0, rental_income: active.paidMinor });
  expect(await ledgerInvariantViolations(h.db, leaseBook(leaseId))).toEqual([]);
  await client.workflow.getHandle(leaseWorkflowId(leaseId)).terminate('test finished').catch(() => undefined);
}, 480_000);

/** A lease already active (its second term, as after a renewal), waiting for the rent run's charge of the period due today. */
async function startActiveLease(): Promise<string> {
  const input = activeLeaseInput(await savedCard(stripe), TODAY);
  await startLeaseWorkflow(client, `${queuePrefix}-leases`, input);
  return input.terms.leaseId;
}

test('a rent run across a Temporal restart: it completes, every period paid exactly once', async () => {
  const leaseIds = await Promise.all(Array.from({ length: RENT_LEASES }, startActiveLease));
  await waitFor(
    async () => (await count('select count(*)::int as n from rent_periods where due_on = $2 and lease_id = any($1::uuid[])', [leaseIds, TODAY])) === RENT_LEASES,
    120_000,
    'every lease to schedule its periods',
  );
  const progress = () => rentRunProgress(h.db, leaseIds);

  const run = await client.workflow.start<RentRunWorkflow>(RENT_RUN_WORKFLOW_TYPE, {
    workflowId: `rent-run-restart-${TODAY}-${randomUUID().slice(0, 6)}`,
    taskQueue: `${queuePrefix}-rent`,
    args: [{ runDate: TODAY, batchSize: 10 }],
  });
  // Stop once some periods are decided and a batch holds others it has not finished.
  await waitFor(
    async () => {
      const p = await progress();
      return p.decided >= 4 && p.inFlight >= 4;
    },
    120_000,
    'the rent run to be part-way through a batch',
  );
  const atStop = await withTemporalDown(async () => {
    const p = await progress();
    // While it is down the API cannot start anything: the same 503 as in the signing test, and it keeps the outage
    // longer than the client's own retries (about 20 s), so what the worker sends meanwhile fails for good.
    const owner = await h.user(['owner'], 'restart-run-owner');
    const tenant = await h.user(['tenant'], 'restart-run-tenant');
    const property = await createProperty(api, owner.token);
    const offer = await timed('POST /v1/leases (rent run outage)', () =>
      api.request('/v1/leases', { method: 'POST', token: owner.token, json: leaseBody(property.id, [tenant.id]) }),
    );
    await expectProblem(offer.res, 503, 'service-unavailable');
    observations['rent periods decided while down'] = (await progress()).decided - p.decided;
    return p;
  });
  observations['rent run at the stop'] = atStop;
  expect(atStop.decided).toBeGreaterThanOrEqual(4);
  expect(atStop.decided).toBeLessThan(RENT_LEASES);

  const result = await within(run.result(), 300_000, 'the rent run to complete');
  expect(result).toMatchObject({ runDate: TODAY, status: 'completed', processed: RENT_LEASES, charged: RENT_LEASES, failed: 0, retrying: 0 });
  const { events } = await run.fetchHistory();
  observations['rent run: retried batch attempts'] = (events ?? []).filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1).length;

  // Money exactly once per lease: localstripe's intents, the payments, the ledger.
  const intents = await paymentIntentsWhere(stripe, (pi) => leaseIds.includes(pi.metadata.leaseId ?? ''));
  const due = await h.db.query<{ lease_id: string; amount_minor: number }>(
    `select lease_id, amount_minor::int as amount_minor from rent_periods where due_on = $2 and lease_id = any($1::uuid[])`,
    { bind: [leaseIds, TODAY], type: QueryTypes.SELECT },
  );
  const amountDue = new Map(due.map((p) => [p.lease_id, p.amount_minor]));
  const actual: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const id of leaseIds) {
    const mine = intents.filter((pi) => pi.metadata.leaseId === id && pi.status === 'succeeded');
    const balances = await leaseBalances(h.db, id);
    actual[id] = {
      succeededIntents: mine.length,
      chargedMinor: mine.reduce((n, pi) => n + pi.amount, 0),
      succeededPayments: await count(`select count(*)::int as n from payments where lease_id = $1 and status = 'succeeded'`, [id]),
      rentInvoices: await count(`select count(*)::int as n from lease_charges where lease_id = $1 and kind = 'rent'`, [id]),
      cashMinor: balances.cash,
      receivableMinor: balances.tenant_receivable,
      ledgerProblems: await ledgerInvariantViolations(h.db, leaseBook(id)),
    };
    const amount = amountDue.get(id)!;
    expected[id] = { succeededIntents: 1, chargedMinor: amount, succeededPayments: 1, rentInvoices: 1, cashMinor: amount, receivableMinor: 0, ledgerProblems: [] };
  }
  expect(actual).toEqual(expected);

  // Every lease workflow resumed: it answers, active, and heard of its payment from the run (the retried batch signals
  // again each outcome the failed attempt recorded but could not tell), so it took it once, without collecting itself.
  const states = await waitFor(
    async () => {
      const all = await Promise.all(leaseIds.map(async (id) => ({ id, state: await client.workflow.getHandle(leaseWorkflowId(id)).query(leaseStateQuery) })));
      return all.every(({ state }) => state.paidMinor > 0) ? all : undefined;
    },
    180_000,
    'every lease to take its payment from the run',
  );
  for (const { id, state } of states) {
    expect(state.status).toBe('active');
    expect(state.paidMinor).toBe(amountDue.get(id));
    const { events } = await client.workflow.getHandle(leaseWorkflowId(id)).fetchHistory();
    expect((events ?? []).some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === rentCollectedSignal.name)).toBe(true);
  }
  await Promise.all(leaseIds.map((id) => client.workflow.getHandle(leaseWorkflowId(id)).terminate('test finished').catch(() => undefined)));
}, 600_000);
