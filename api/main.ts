/** The API process. SIGTERM/SIGINT stop accepting connections, finish in-flight requests, then close clients. */
import { serve } from '@hono/node-server';
import { createBlobStore } from '../lib/blob-store';
import { loadConfig } from '../lib/config';
import { createSequelize } from '../lib/db';
import { createElasticsearch } from '../lib/elasticsearch';
import { createLogger } from '../lib/logger';
import { connectTemporal } from '../lib/temporal';
import { initModels } from '../models';
import { createApp } from './app';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config, { process: 'api' });
  const db = createSequelize(config);
  initModels(db);
  const es = createElasticsearch(config);
  const { connection, client } = await connectTemporal(config);
  const app = createApp({ config, db, es, temporal: client, temporalConnection: connection, logger, searchTaskQueue: config.temporal.taskQueues.search, leaseTaskQueue: config.temporal.taskQueues.leases, purchaseTaskQueue: config.temporal.taskQueues.purchases, operationsTaskQueue: config.temporal.taskQueues.operations, blobs: createBlobStore(config) });
  const server = serve({ fetch: app.fetch, hostname: config.api.host, port: config.api.port }, (info) =>
    logger.info({ url: `http://${info.address}:${info.port}` }, 'api listening'),
  );
  const stop = (signal: string) => {
    logger.info({ signal }, 'api stopping');
    server.close(async () => {
      await Promise.allSettled([db.close(), es.close(), connection.close()]);
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`api failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
