/**
 * The worker process. SIGTERM or SIGINT drains it: it stops taking tasks,
 * lets in-flight activities finish within the grace time (or hands them back
 * to the server for another worker) and exits 0.
 */
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig } from '../lib/config';
import { createSequelize } from '../lib/db';
import { createElasticsearch } from '../lib/elasticsearch';
import { createLogger } from '../lib/logger';
import { connectionOptions, connectTemporal, ensureSearchAttributes } from '../lib/temporal';
import { ensureListingsIndex } from '../lib/search/listing-index';
import { initModels } from '../models';
import { createSearchWorker } from './search-worker';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config, { process: 'worker' });
  Runtime.install({
    logger: {
      log: (level, message, meta) => logger[level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'info')]({ ...meta }, message),
      trace: (m, meta) => logger.trace(meta ?? {}, m),
      debug: (m, meta) => logger.debug(meta ?? {}, m),
      info: (m, meta) => logger.info(meta ?? {}, m),
      warn: (m, meta) => logger.warn(meta ?? {}, m),
      error: (m, meta) => logger.error(meta ?? {}, m),
    },
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });

  const db = createSequelize(config);
  initModels(db);
  const es = createElasticsearch(config);
  const { connection: clientConnection } = await connectTemporal(config);
  const added = await ensureSearchAttributes(clientConnection, config.temporal.namespace);
  if (added.length) logger.info({ added }, 'registered search attributes');
  await clientConnection.close();
  await ensureListingsIndex(es, config.elasticsearch.indexPrefix);

  const connection = await NativeConnection.connect(connectionOptions(config));
  const worker = await createSearchWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueues.search,
    deps: { db, es, indexPrefix: config.elasticsearch.indexPrefix },
    shutdownGraceSeconds: config.worker.shutdownGraceSeconds,
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
  });
  logger.info({ taskQueue: worker.options.taskQueue }, 'worker started');
  try {
    await worker.run(); // resolves after a shutdown signal once drained
  } finally {
    await connection.close();
    await db.close();
    await es.close();
    logger.info('worker stopped');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
