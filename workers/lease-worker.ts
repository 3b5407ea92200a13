/** The worker for lease workflows (screening, documents, signatures, deposit and rent) and Stripe webhook events. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createLeaseActivities, type LeaseDeps } from '../activities/lease';
import { createStripeEventActivities } from '../activities/stripe-events';
import { createNotificationOutboxActivities } from '../activities/notification-outbox';

export interface LeaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: LeaseDeps;
  shutdownGraceSeconds?: number;
  maxCachedWorkflows?: number;
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createLeaseWorker(o: LeaseWorkerOptions) {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    // Stripe webhook events and the notification outbox sweep are here too: they are about leases.
    activities: { ...createLeaseActivities(o.deps), ...createStripeEventActivities(o.deps), ...createNotificationOutboxActivities(o.deps) },
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    // Leases wait for weeks between steps: keep many cached, few activities at once.
    maxCachedWorkflows: o.maxCachedWorkflows ?? 2000,
    maxConcurrentActivityTaskExecutions: 8,
    shutdownGraceTime: `${o.shutdownGraceSeconds ?? 30} seconds`,
  });
}
