/**
 * The worker process. SIGTERM or SIGINT drains it: it stops taking tasks,
 * lets in-flight activities finish within the grace time (or hands them back
 * to the server for another worker) and exits 0.
 */
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString, type LogLevel, type Worker } from '@temporalio/worker';
import { loadConfig } from '../lib/config';
import { createSequelize } from '../lib/db';
import { createElasticsearch } from '../lib/elasticsearch';
import { createLogger } from '../lib/logger';
import { connectionOptions, connectTemporal, ensureSearchAttributes } from '../lib/temporal';
import { ensureListingsIndex } from '../lib/search/listing-index';
import { initModels } from '../models';
import { ensureSchedules } from './schedules';
import { createLeaseWorker, createNotificationWorker } from './lease-worker';
import { createSearchWorker } from './search-worker';
import { createRentWorker } from './rent-worker';
import { createPurchaseWorker } from './purchase-worker';
import { createOperationsWorker } from './operations-worker';
import { createReportsWorker } from './reports-worker';
import { createStripe } from '../lib/stripe';
import { createMailer } from '../lib/mail';
import { createBlobStore } from '../lib/blob-store';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

async function waitForRunning(worker: Worker) {
  while (worker.getState() === 'INITIALIZED') await new Promise((r) => setTimeout(r, 50));
}

async function main() {
  const config = loadConfig();
  const logger = createLogger(config, { process: 'worker' });
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => logger[levels[entry.level]]({ ...entry.meta }, entry.message)),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
    // We handle signals ourselves, from the first moment, so none is missed.
    shutdownSignals: [],
  });
  // Filled as workers are created; signal handlers may fire before that.
  const workers: Worker[] = [];
  let stopRequested = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      logger.info({ signal }, 'draining: no new tasks; in-flight activities get the grace time');
      stopRequested = true;
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    });
  }

  const db = createSequelize(config);
  initModels(db);
  const es = createElasticsearch(config);
  const { connection: clientConnection, client } = await connectTemporal(config);
  const added = await ensureSearchAttributes(clientConnection, config.temporal.namespace);
  if (added.length) logger.info({ added }, 'registered search attributes');
  const schedules = await ensureSchedules(client, config.temporal.taskQueues, config.rentRun);
  if (schedules.length) logger.info({ schedules }, 'created schedules');
  await ensureListingsIndex(es, config.elasticsearch.indexPrefix);

  const connection = await NativeConnection.connect(connectionOptions(config));
  // One bundle for every queue's worker: each bundling its own cost a webpack run and its copy of the code in memory.
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  const searchWorker = await createSearchWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueues.search,
    deps: { db, es, indexPrefix: config.elasticsearch.indexPrefix, temporal: client, searchTaskQueue: config.temporal.taskQueues.search },
    shutdownGraceSeconds: config.worker.shutdownGraceSeconds,
    workflowBundle,
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
    maxConcurrentActivities: config.worker.maxConcurrentActivities,
  });
  // One Stripe client per process, so its request-rate limit covers every charge this process makes.
  const stripe = createStripe(config);
  const offSessionConfirm = !config.stripe.embedded;
  // Processes try each e-mail once as they record it; a delivery workflow takes over only when that fails.
  const quickMailer = createMailer(config, { quick: true });
  const leaseDeps = { db, stripe, offSessionConfirm, temporal: client, notificationTaskQueue: config.temporal.taskQueues.notifications, mailer: quickMailer };
  const leaseWorker = await createLeaseWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueues.leases,
    deps: leaseDeps,
    shutdownGraceSeconds: config.worker.shutdownGraceSeconds,
    workflowBundle,
  });
  const notificationWorker = await createNotificationWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueues.notifications,
    deps: { ...leaseDeps, mailer: createMailer(config) },
    shutdownGraceSeconds: config.worker.shutdownGraceSeconds,
    workflowBundle,
  });
  const rentWorker = await createRentWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueues.rent,
    deps: { db, stripe, offSessionConfirm, temporal: client, concurrency: config.rentRun.concurrency },
    shutdownGraceSeconds: config.worker.shutdownGraceSeconds,
    workflowBundle,
  });
  const purchaseWorker = await createPurchaseWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueues.purchases,
    deps: { ...leaseDeps, searchTaskQueue: config.temporal.taskQueues.search },
    shutdownGraceSeconds: config.worker.shutdownGraceSeconds,
    workflowBundle,
  });
  const operationsWorker = await createOperationsWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueues.operations,
    maxCachedWorkflows: config.worker.operationsMaxCachedWorkflows,
    deps: { db, temporal: client, notificationTaskQueue: config.temporal.taskQueues.notifications, mailer: quickMailer, searchTaskQueue: config.temporal.taskQueues.search, blobs: createBlobStore(config) },
    shutdownGraceSeconds: config.worker.shutdownGraceSeconds,
    workflowBundle,
  });
  const reportsWorker = await createReportsWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueues.reports,
    deps: { db, temporal: client, notificationTaskQueue: config.temporal.taskQueues.notifications, mailer: quickMailer, blobs: createBlobStore(config) },
    shutdownGraceSeconds: config.worker.shutdownGraceSeconds,
    workflowBundle,
  });
  workers.push(searchWorker, leaseWorker, rentWorker, notificationWorker, purchaseWorker, operationsWorker, reportsWorker);
  logger.info({ taskQueues: workers.map((w) => w.options.taskQueue) }, 'worker started');
  try {
    // run() resolves once shutdown() has drained the worker; a signal that
    // came while we were starting up stops it as soon as it runs.
    await Promise.all(workers.flatMap((w) => [w.run(), waitForRunning(w).then(() => stopRequested && w.shutdown())]));
  } finally {
    await connection.close();
    await clientConnection.close();
    quickMailer.close();
    await db.close();
    await es.close();
    logger.info('worker stopped');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
