/** The worker for the daily rent run: its workflow and its batched Stripe charges, on a queue of its own. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createRentRunActivities, type RentRunDeps } from '../activities/rent-run';

export interface RentWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: RentRunDeps;
  shutdownGraceSeconds?: number;
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createRentWorker(o: RentWorkerOptions) {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: createRentRunActivities(o.deps),
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    // Each batch runs many charges concurrently inside; a couple of batches at once is plenty.
    maxConcurrentActivityTaskExecutions: 2,
    shutdownGraceTime: `${o.shutdownGraceSeconds ?? 30} seconds`,
  });
}
