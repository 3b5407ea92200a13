/**
 * The worker for operations: work orders, inspections, projects and the
 * vendor directory's daily document reminders, their activities on Postgres
 * and the e-mails they record.
 */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createWorkOrderActivities, type WorkOrderDeps } from '../activities/work-order';
import { createInspectionActivities } from '../activities/inspection';
import { createBlobStore, type BlobStore } from '../lib/blob-store';
import { parseConfig } from '../lib/config';
import { createEnvelopeActivities } from '../activities/envelope';
import { createProjectActivities, type ProjectDeps } from '../activities/project';
import { createContractorReminderActivities } from '../activities/contractor-reminders';

export interface OperationsWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** `blobs`: where the inspection reports' photos are read from (default: the store the configuration names). */
  deps: WorkOrderDeps & ProjectDeps & { blobs?: BlobStore };
  shutdownGraceSeconds?: number;
  maxCachedWorkflows?: number;
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createOperationsWorker(o: OperationsWorkerOptions) {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    // Projects start their change orders' envelopes as children on this queue: the envelope's activities run here too.
    activities: {
      ...createWorkOrderActivities(o.deps),
      ...createProjectActivities(o.deps),
      ...createEnvelopeActivities(o.deps),
      ...createContractorReminderActivities(o.deps),
      ...createInspectionActivities({ ...o.deps, blobs: o.deps.blobs ?? configuredBlobStore() }),
    },
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    // Work orders mostly wait (on contractors, approvals, the 14-day reopen window): thousands may be open at once.
    // The cache is bounded so the worker's memory is too (10,000 waiting work orders must stay under 1 GiB RSS);
    // a work order evicted from it is replayed from its history on its next task. WORKER_OPERATIONS_MAX_CACHED_WORKFLOWS.
    maxCachedWorkflows: o.maxCachedWorkflows ?? 250,
    maxConcurrentActivityTaskExecutions: 32,
    shutdownGraceTime: `${o.shutdownGraceSeconds ?? 30} seconds`,
  });
}

/** The store the configuration names (BLOB_STORE), made when a report first reads a photo. */
function configuredBlobStore(): BlobStore {
  let store: BlobStore | undefined;
  const get = () => (store ??= createBlobStore(parseConfig(process.env)));
  return { put: (key, bytes, contentType) => get().put(key, bytes, contentType), get: (key) => get().get(key) };
}
