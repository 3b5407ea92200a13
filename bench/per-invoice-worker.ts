/** A worker process for the per-invoice baseline (bench/per-invoice-workflow.ts); configured like workers/main.ts, by the environment. */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createRentCollection } from '../activities/lease/rent-collection';
import { createRentPeriods } from '../activities/lease/rent-periods';
import { createCardCharges } from '../activities/payments/card-charges';
import { loadConfig } from '../lib/config';
import { createSequelize } from '../lib/db';
import { createStripe } from '../lib/stripe';
import { connectionOptions } from '../lib/temporal';

async function main() {
  const config = loadConfig();
  const db = createSequelize(config);
  const cards = createCardCharges({ db, stripe: createStripe(config), offSessionConfirm: !config.stripe.embedded });
  const periods = createRentPeriods(db, createRentCollection(db, cards));
  const connection = await NativeConnection.connect(connectionOptions(config));
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: process.env.BENCH_TASK_QUEUE!,
    workflowsPath: require.resolve('./per-invoice-workflow'),
    activities: { collectRentPeriod: periods.collect },
    maxConcurrentActivityTaskExecutions: config.rentRun.concurrency,
  });
  process.on('SIGTERM', () => worker.shutdown());
  console.log('worker started');
  await worker.run();
  await connection.close();
  await db.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
