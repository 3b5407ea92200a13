/** The worker for the search task queue: indexing, reindexing and bulk imports. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createListingImportActivities } from '../activities/listing-import';
import { createSearchActivities, type SearchDeps } from '../activities/search';

export interface SearchWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  deps: SearchDeps;
  taskQueue: string;
  shutdownGraceSeconds?: number;
  maxCachedWorkflows?: number;
  maxConcurrentActivities?: number;
  /** Tests pass a pre-built bundle; processes bundle from source once at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createSearchWorker(o: SearchWorkerOptions) {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: { ...createSearchActivities(o.deps), ...createListingImportActivities(o.deps) },
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    // Activities mostly wait on Postgres and Elasticsearch; imports hold a
    // chunk of 1000 rows each, which bounds how many we let run at once.
    maxConcurrentActivityTaskExecutions: o.maxConcurrentActivities ?? 16,
    maxCachedWorkflows: o.maxCachedWorkflows ?? 500,
    // On SIGTERM: stop polling, let running activities finish for this long,
    // then cancel them so their retries run on another worker.
    shutdownGraceTime: `${o.shutdownGraceSeconds ?? 30} seconds`,
  });
}
