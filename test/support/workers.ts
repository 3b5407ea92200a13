/**
 * Workers a test file runs in its own process, on the harness's task queues,
 * built by the same functions as workers/main.ts builds them: the lease
 * worker with the notifications worker beside it, the rent, purchase and
 * operations workers.
 */
import type { Worker } from '@temporalio/worker';
import type Stripe from 'stripe';
import type { LeaseDeps } from '../../activities/lease';
import { createMailer } from '../../lib/mail';
import { createStripe } from '../../lib/stripe';
import { createLeaseWorker, createNotificationWorker } from '../../workers/lease-worker';
import { createRentWorker } from '../../workers/rent-worker';
import { createPurchaseWorker } from '../../workers/purchase-worker';
import { createOperationsWorker } from '../../workers/operations-worker';
import { createReportsWorker } from '../../workers/reports-worker';
import { createApp, type App } from '../../api/app';
import { workflowBundle, type Harness } from './harness';

export interface RunningWorkers {
  workers: Worker[];
  stop(): Promise<void>;
}

/** Runs workers until `stop()`, which drains them (safe to call twice). */
export function running(...workers: Worker[]): RunningWorkers {
  const runs = workers.map((w) => w.run());
  return {
    workers,
    async stop() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.allSettled(runs);
    },
  };
}

export interface LeaseWorkerOptions {
  /** Default: the harness's lease queue (where the API starts leases). */
  taskQueue?: string;
  notificationTaskQueue?: string;
  stripe?: Stripe;
  /** Where e-mail goes (default: the SMTP sink of the test services). */
  smtpUrl?: string;
}

/** The lease's activities' deps on the harness's services. */
export function leaseDeps(h: Harness, o: Pick<LeaseWorkerOptions, 'notificationTaskQueue' | 'stripe' | 'smtpUrl'> = {}): LeaseDeps {
  return {
    db: h.db,
    stripe: o.stripe ?? createStripe(h.config),
    offSessionConfirm: !h.config.stripe.embedded,
    temporal: h.client,
    notificationTaskQueue: o.notificationTaskQueue ?? h.notificationTaskQueue,
    // As workers/main.ts runs them: each e-mail tried once as it is recorded (to the same server as deliveries).
    mailer: createMailer({ smtp: { ...h.config.smtp, url: o.smtpUrl ?? h.config.smtp.url } }, { quick: true }),
  };
}

/** The lease worker and, beside it, the notifications worker that delivers its e-mails. */
export async function startLeaseWorkers(h: Harness, o: LeaseWorkerOptions = {}): Promise<RunningWorkers> {
  const common = { connection: h.nativeConnection, namespace: h.config.temporal.namespace, workflowBundle: await workflowBundle(), shutdownGraceSeconds: 5 };
  const notificationTaskQueue = o.notificationTaskQueue ?? h.notificationTaskQueue;
  const deps = leaseDeps(h, { ...o, notificationTaskQueue });
  const mailer = createMailer({ smtp: { ...h.config.smtp, url: o.smtpUrl ?? h.config.smtp.url } });
  const lease = await createLeaseWorker({ ...common, taskQueue: o.taskQueue ?? h.leaseTaskQueue, deps });
  const notifications = await createNotificationWorker({ ...common, taskQueue: notificationTaskQueue, deps: { ...deps, mailer } });
  return running(lease, notifications);
}

export async function startRentWorker(h: Harness, o: { taskQueue?: string; concurrency?: number; stripe?: Stripe } = {}): Promise<RunningWorkers> {
  const worker = await createRentWorker({
    connection: h.nativeConnection,
    namespace: h.config.temporal.namespace,
    taskQueue: o.taskQueue ?? h.rentTaskQueue,
    deps: { db: h.db, stripe: o.stripe ?? createStripe(h.config), offSessionConfirm: false, temporal: h.client, concurrency: o.concurrency ?? 4 },
    workflowBundle: await workflowBundle(),
    shutdownGraceSeconds: 5,
  });
  return running(worker);
}

/** The purchase worker (and the notifications worker its e-mails go through), on the harness's queues. */
export async function startPurchaseWorkers(h: Harness, o: { stripe?: Stripe } = {}): Promise<RunningWorkers> {
  const common = { connection: h.nativeConnection, namespace: h.config.temporal.namespace, workflowBundle: await workflowBundle(), shutdownGraceSeconds: 5 };
  const deps = leaseDeps(h, o);
  const purchase = await createPurchaseWorker({ ...common, taskQueue: h.purchaseTaskQueue, deps: { ...deps, searchTaskQueue: h.taskQueue } });
  const notifications = await createNotificationWorker({ ...common, taskQueue: h.notificationTaskQueue, deps: { ...deps, mailer: createMailer({ smtp: h.config.smtp }) } });
  return running(purchase, notifications);
}

/** The operations worker (work orders) and the notifications worker its e-mails go through, on the harness's queues. */
export async function startOperationsWorkers(h: Harness): Promise<RunningWorkers> {
  const common = { connection: h.nativeConnection, namespace: h.config.temporal.namespace, workflowBundle: await workflowBundle(), shutdownGraceSeconds: 5 };
  const deps = { db: h.db, temporal: h.client, notificationTaskQueue: h.notificationTaskQueue, mailer: leaseDeps(h).mailer };
  const operations = await createOperationsWorker({ ...common, taskQueue: h.operationsTaskQueue, deps });
  const notifications = await createNotificationWorker({ ...common, taskQueue: h.notificationTaskQueue, deps: { ...leaseDeps(h), mailer: createMailer({ smtp: h.config.smtp }) } });
  return running(operations, notifications);
}

/** The reports worker (month-end runs, owner statements) and the notifications worker its e-mails go through. */
export async function startReportsWorkers(h: Harness): Promise<RunningWorkers> {
  const common = { connection: h.nativeConnection, namespace: h.config.temporal.namespace, workflowBundle: await workflowBundle(), shutdownGraceSeconds: 5 };
  const deps = { db: h.db, temporal: h.client, notificationTaskQueue: h.notificationTaskQueue, mailer: leaseDeps(h).mailer, blobs: h.deps.blobs! };
  const reports = await createReportsWorker({ ...common, taskQueue: h.reportsTaskQueue, deps });
  const notifications = await createNotificationWorker({ ...common, taskQueue: h.notificationTaskQueue, deps: { ...leaseDeps(h), mailer: createMailer({ smtp: h.config.smtp }) } });
  return running(reports, notifications);
}

/**
 * The escrow reconciliation's routes on an app whose purchases queue is the
 * test file's own (`<queue>-escrow`), and the purchase worker on that queue
 * for the requests that run a reconciliation: no other file's worker answers.
 */
export function escrowRig(h: Harness) {
  const taskQueue = `${h.taskQueue}-escrow`;
  let app: App | undefined;
  return {
    app: () => (app ??= createApp({ ...h.deps, purchaseTaskQueue: taskQueue })),
    async withWorker<T>(fn: () => Promise<T>): Promise<T> {
      const worker = await createPurchaseWorker({
        connection: h.nativeConnection,
        namespace: h.config.temporal.namespace,
        taskQueue,
        deps: { ...leaseDeps(h), searchTaskQueue: h.taskQueue },
        workflowBundle: await workflowBundle(),
        shutdownGraceSeconds: 5,
      });
      return worker.runUntil(fn());
    },
  };
}
