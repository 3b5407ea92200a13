/**
 * The daily escrow reconciliation (contracts/escrow-reconciliation.ts), started
 * by a Temporal Schedule (workers/schedules.ts) or by an admin. One activity
 * reads both sides in one snapshot, compares them, stores the report and
 * warns of any difference; the run returns the report, and its outcome
 * (`balanced` or `differences`) is the ProcessStatus search attribute, so
 * operations staff can filter the runs that found something in the Web UI.
 */
import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { EscrowReconciliationActivities, EscrowReconciliationInput, EscrowReconciliationReport } from '../../contracts/escrow-reconciliation';
import { ProcessStatusKey } from '../../domain/search-attributes';

const { reconcileEscrow } = proxyActivities<EscrowReconciliationActivities>({
  // Two grouped reads and one upsert: seconds, even over many purchases.
  startToCloseTimeout: '5 minutes',
  // Postgres away for a while: keep trying for about a day (the next day's run would start anyway).
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', maximumAttempts: 50 },
});

/** The day a run is for: the schedule's nominal time (UTC), or when the run started. */
function runDay(): string {
  const info = workflowInfo();
  const scheduled = info.searchAttributes?.TemporalScheduledStartTime?.[0];
  const at = scheduled instanceof Date ? scheduled : typeof scheduled === 'string' ? new Date(scheduled) : info.startTime;
  return at.toISOString().slice(0, 10);
}

export async function escrowReconciliationWorkflow(input: EscrowReconciliationInput = {}): Promise<EscrowReconciliationReport> {
  const asOf = input.asOf ?? runDay();
  upsertSearchAttributes([{ key: ProcessStatusKey, value: 'reconciling' }]);
  const report = await reconcileEscrow({ asOf, workflowId: workflowInfo().workflowId });
  upsertSearchAttributes([{ key: ProcessStatusKey, value: report.status }]);
  return report;
}
