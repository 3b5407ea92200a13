/**
 * The worker for report runs (contracts/report-run.ts): month-end postings,
 * owner statements and portfolio reports. Rendering PDFs and charts is CPU
 * work, so few activities run at once, and the queue is its own: a month-end
 * run never takes the slots of work orders or leases.
 */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createReportRunActivities, type ReportDeps } from '../activities/reports';

export interface ReportsWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ReportDeps;
  shutdownGraceSeconds?: number;
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createReportsWorker(o: ReportsWorkerOptions) {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: createReportRunActivities(o.deps),
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    // A run's tasks are batches of statements: one per core keeps them from starving each other of CPU.
    maxConcurrentActivityTaskExecutions: 4,
    maxCachedWorkflows: 50,
    shutdownGraceTime: `${o.shutdownGraceSeconds ?? 30} seconds`,
  });
}
