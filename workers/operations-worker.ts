/**
 * The worker for operations: work orders (and later inspections and
 * projects), their activities on Postgres and the e-mails they record.
 */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createWorkOrderActivities, type WorkOrderDeps } from '../activities/work-order';

export interface OperationsWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: WorkOrderDeps;
  shutdownGraceSeconds?: number;
  maxCachedWorkflows?: number;
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createOperationsWorker(o: OperationsWorkerOptions) {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: { ...createWorkOrderActivities(o.deps) },
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    // Work orders mostly wait (on contractors, approvals, the 14-day reopen window): thousands may be open at once.
    // The cache is bounded so the worker's memory is too (10,000 waiting work orders must stay under 1 GiB RSS);
    // a work order evicted from it is replayed from its history on its next task.
    maxCachedWorkflows: o.maxCachedWorkflows ?? 1000,
    maxConcurrentActivityTaskExecutions: 32,
    shutdownGraceTime: `${o.shutdownGraceSeconds ?? 30} seconds`,
  });
}
