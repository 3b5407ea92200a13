/**
 * The worker for lease workflows (screening, documents, deposit and rent),
 * the signing envelopes they start, and the Stripe webhook events and
 * notification sweep that are about leases; and the notifications worker,
 * which delivers e-mails on a queue of its own.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createEnvelopeActivities } from '../activities/envelope';
import { createLeaseActivities, type LeaseDeps } from '../activities/lease';
import { createNotificationDelivery, createNotificationSweep } from '../activities/notifications';
import { createStripeEventActivities } from '../activities/stripe-events';
import type { Mailer } from '../lib/mail';

interface WorkerCommon {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  shutdownGraceSeconds?: number;
  workflowBundle?: WorkerOptions['workflowBundle'];
}

const workflows = (o: WorkerCommon) => (o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: require.resolve('../workflows') });

export interface LeaseWorkerOptions extends WorkerCommon {
  deps: LeaseDeps;
  maxCachedWorkflows?: number;
}

export function createLeaseWorker(o: LeaseWorkerOptions) {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: {
      ...createLeaseActivities(o.deps),
      ...createEnvelopeActivities(o.deps),
      ...createStripeEventActivities(o.deps),
      ...createNotificationSweep(o.deps),
    },
    ...workflows(o),
    // Leases wait for weeks between steps: keep many cached, few activities at once.
    maxCachedWorkflows: o.maxCachedWorkflows ?? 2000,
    maxConcurrentActivityTaskExecutions: 8,
    shutdownGraceTime: `${o.shutdownGraceSeconds ?? 30} seconds`,
  });
}

export interface NotificationWorkerOptions extends WorkerCommon {
  deps: LeaseDeps & { mailer: Mailer };
}

export function createNotificationWorker(o: NotificationWorkerOptions) {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: createNotificationDelivery(o.deps),
    ...workflows(o),
    // Each delivery is one short workflow; an unreachable server makes sends wait on their timeouts.
    maxCachedWorkflows: 200,
    maxConcurrentActivityTaskExecutions: 16,
    shutdownGraceTime: `${o.shutdownGraceSeconds ?? 30} seconds`,
  });
}
