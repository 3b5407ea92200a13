/**
 * The daily rent run (contracts/rent-run.ts), started by a Temporal Schedule (workers/schedules.ts).
 * It collects every rent period due on or before its date in batches: each
 * batch is one heartbeating activity that claims periods, charges them under
 * Stripe's request rate, records the outcomes and signals them to the leases
 * (which run any dunning). Progress is a Query and search attributes, so
 * operations staff can watch a run in the Web UI.
 *
 * One activity per batch, not a workflow per invoice: measured on the dev
 * server, per-invoice workflows made Temporal the bottleneck (see README).
 */
import { continueAsNew, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { rentRunProgressQuery, type RentRunActivities, type RentRunInput, type RentRunProgress, type RentRunWorkflow } from '../../contracts/rent-run';
import { scheduledStart } from '../scheduled-start';
import {
  ProcessStatusKey,
  RentRunChargedKey,
  RentRunDateKey,
  RentRunFailedKey,
  RentRunProcessedKey,
  RentRunRetryingKey,
} from '../../domain/search-attributes';

const { rentRunDate } = proxyActivities<RentRunActivities>({ startToCloseTimeout: '10 seconds' });
const { collectDueRent } = proxyActivities<RentRunActivities>({
  // A batch of 500 at 12 charges a second takes under a minute; a heartbeat per charge shows it is alive,
  // and a crashed worker's batch is retried elsewhere within 20 s.
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export async function rentRunWorkflow(input: RentRunInput = {}): Promise<RentRunProgress> {
  const progress: RentRunProgress = input.progress ?? {
    runDate: input.runDate ?? null,
    status: 'running',
    batches: 0,
    processed: 0,
    charged: 0,
    failed: 0,
    retrying: 0,
    nothingDue: 0,
  };
  setHandler(rentRunProgressQuery, () => progress);
  if (!progress.runDate) {
    progress.runDate = await rentRunDate({ scheduledAt: scheduledStart().toISOString(), timeZone: input.timeZone ?? 'UTC' });
  }
  const runDate = progress.runDate;
  // Claims are made in the workflow id's name, which a continued run keeps: it resumes its own claims.
  const runId = workflowInfo().workflowId;
  const report = (status: RentRunProgress['status']) => {
    progress.status = status;
    upsertSearchAttributes([
      { key: RentRunDateKey, value: runDate },
      { key: ProcessStatusKey, value: status },
      { key: RentRunProcessedKey, value: progress.processed },
      { key: RentRunChargedKey, value: progress.charged },
      { key: RentRunFailedKey, value: progress.failed },
      { key: RentRunRetryingKey, value: progress.retrying },
    ]);
  };
  report('running');
  for (;;) {
    const batch = await collectDueRent({ runId, runDate, batchSize: input.batchSize ?? 500 });
    progress.batches++;
    Object.assign(progress, {
      processed: batch.processed,
      charged: batch.charged,
      failed: batch.failed,
      retrying: batch.retrying,
      nothingDue: batch.nothingDue,
    });
    report('running');
    if (!batch.more) break;
    if (workflowInfo().continueAsNewSuggested) return continueAsNew<RentRunWorkflow>({ ...input, progress });
  }
  report('completed');
  return progress;
}
