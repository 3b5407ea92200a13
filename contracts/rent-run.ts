/**
 * The daily rent run's contract: started by a Temporal Schedule, one run per
 * day, it collects every rent period due in batches (activities/rent-run/)
 * and signals each outcome to its lease (contracts/lease.ts). Its progress is
 * a query and search attributes.
 */
import { defineQuery } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar';

export const RENT_RUN_WORKFLOW_TYPE = 'rentRunWorkflow';

/** Runs started by the schedule get the schedule's own id suffix; a run started by hand may use this. */
export function rentRunWorkflowId(runDate: IsoDate) {
  return `rent-run-${runDate}`;
}

/** The schedule that starts a run every day, on the rent task queue. */
export function rentRunScheduleId(rentQueue: string) {
  return `${rentQueue}-daily-rent-run`;
}

export interface RentRunInput {
  /** The date to collect for; without it, the schedule's time in `timeZone`. */
  runDate?: IsoDate;
  timeZone?: string;
  batchSize?: number;
  /** Carried over a continue-as-new. */
  progress?: RentRunProgress;
}

export interface RentRunCounts {
  /** Periods with a recorded first-charge outcome. */
  processed: number;
  charged: number;
  /** Hard declines: the tenant is asked for a new card. */
  failed: number;
  /** Soft declines: the lease retries on its dunning days. */
  retrying: number;
  /** Paid already (by hand, or by an earlier charge of the open balance). */
  nothingDue: number;
}

/** What the run's query returns. */
export interface RentRunProgress extends RentRunCounts {
  runDate: string | null;
  status: 'running' | 'completed';
  batches: number;
}

export type RentRunWorkflow = (input?: RentRunInput) => Promise<RentRunProgress>;

export const rentRunProgressQuery = defineQuery<RentRunProgress>('rentRunProgress');

export interface RentRunActivities {
  /** The run's calendar date: the schedule's nominal time in the configured zone. */
  rentRunDate(a: { scheduledAt: string; timeZone: string }): Promise<IsoDate>;
  /** Claims up to `batchSize` periods due on or before `runDate` and collects them; the run's totals, and whether more may be due. */
  collectDueRent(a: { runId: string; runDate: IsoDate; batchSize: number }): Promise<RentRunCounts & { more: boolean }>;
}
