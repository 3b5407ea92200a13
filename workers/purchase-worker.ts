/**
 * The worker for purchase workflows (offers to recorded title) and the
 * closing envelopes they start as children on the same queue; and the daily
 * escrow reconciliation (a Schedule on this queue).
 */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createEnvelopeActivities } from '../activities/envelope';
import { createPurchaseActivities, type PurchaseDeps } from '../activities/purchase';
import { createEscrowReconciliationActivities } from '../activities/escrow-reconciliation';

export interface PurchaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: PurchaseDeps;
  shutdownGraceSeconds?: number;
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createPurchaseWorker(o: PurchaseWorkerOptions) {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: { ...createPurchaseActivities(o.deps), ...createEnvelopeActivities(o.deps), ...createEscrowReconciliationActivities(o.deps) },
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    // A purchase waits days between steps: many cached, a handful of activities at once.
    maxCachedWorkflows: 2000,
    maxConcurrentActivityTaskExecutions: 16,
    shutdownGraceTime: `${o.shutdownGraceSeconds ?? 30} seconds`,
  });
}
