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
import { scheduledStart } from '../scheduled-start';

const { reconcileEscrow } = proxyActivities<EscrowReconciliationActivities>({
  // Two grouped reads and one upsert: seconds, even over many purchases.
  startToCloseTimeout: '5 minutes',
  // Postgres away for a while: keep trying for about a day (the next day's run would start anyway).
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', maximumAttempts: 50 },
});

export async function escrowReconciliationWorkflow(input: EscrowReconciliationInput = {}): Promise<EscrowReconciliationReport> {
  const asOf = input.asOf ?? scheduledStart().toISOString().slice(0, 10);
  upsertSearchAttributes([{ key: ProcessStatusKey, value: 'reconciling' }]);
  const report = await reconcileEscrow({ asOf, workflowId: workflowInfo().workflowId });
  upsertSearchAttributes([{ key: ProcessStatusKey, value: report.status }]);
  return report;
}
