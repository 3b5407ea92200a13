/**
 * The daily escrow reconciliation's contract: started by a Temporal Schedule
 * (workers/schedules.ts) on the purchases task queue, or by an admin
 * (`POST /v1/admin/escrow-reconciliations`), it compares what open purchases
 * say they hold in escrow with the ledger's escrow_held in purchase books
 * (domain/escrow-reconciliation.ts), stores the report (one per day: a rerun
 * replaces it) and reports any difference.
 *
 * Workflow-safe: types only. Names are forever: they are in every run's history.
 */
import type { IsoDate } from '../domain/calendar';
import type { EscrowComparison } from '../domain/escrow-reconciliation';

export type {
  CurrencyReconciliation,
  EscrowReconciliationStatus,
  PurchaseEscrowDifference,
} from '../domain/escrow-reconciliation';

export const ESCROW_RECONCILIATION_WORKFLOW_TYPE = 'escrowReconciliationWorkflow';

/**
 * A run's id: `escrow-reconciliation-<asOf>`, with a suffix for a run started
 * by hand (`-manual-<…>`), so it never meets the day's scheduled run or
 * another manual one. Runs started by the schedule get the schedule's own
 * timestamp suffix on `escrow-reconciliation`.
 */
export function escrowReconciliationWorkflowId(asOf: IsoDate, suffix?: string) {
  return suffix ? `escrow-reconciliation-${asOf}-${suffix}` : `escrow-reconciliation-${asOf}`;
}

/** The schedule that starts a run every day, on the purchases task queue. */
export function escrowReconciliationScheduleId(purchasesQueue: string) {
  return `${purchasesQueue}-daily-escrow-reconciliation`;
}

/** When the schedule runs: before the working day, after the rent run's night is quiet. */
export const ESCROW_RECONCILIATION_SCHEDULE = { hour: 5, minute: 0, timeZone: 'UTC' } as const;

export interface EscrowReconciliationInput {
  /** The day the report is for; without it, the schedule's nominal day (UTC), or the day the run started. */
  asOf?: IsoDate;
}

/** What a run returns and what is stored (and listed by the API). */
export interface EscrowReconciliationReport extends EscrowComparison {
  /** The stored report's id (kept when a rerun of the same day replaces it). */
  id: string;
  asOf: IsoDate;
  /** When both sides were read (one snapshot of the database), ISO 8601. */
  ranAt: string;
  /** The run that wrote it. */
  workflowId: string;
}

export type EscrowReconciliationWorkflow = (input?: EscrowReconciliationInput) => Promise<EscrowReconciliationReport>;

export interface EscrowReconciliationActivities {
  /**
   * Reads both sides in one snapshot, compares them, stores the report for
   * `asOf` (replacing an older one of that day) and logs a warning with it
   * when they differ.
   */
  reconcileEscrow(a: { asOf: IsoDate; workflowId: string }): Promise<EscrowReconciliationReport>;
}
