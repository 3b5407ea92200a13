/**
 * Report runs: one workflow per run builds every report a schedule owes for a
 * period, in parallel with a bound, and stores each once (a report for a
 * kind, scope and period already built is not built again):
 *  - `month-end` (the 1st, for the month before): each managed property's
 *    management fee and owner distributions for the month are posted first,
 *    then every owner's statement is built, stored and e-mailed to them;
 *  - `delinquency` (weekly) and `rent-roll` (daily): the portfolio's report
 *    as of the day, stored for staff (a delinquency report that does not
 *    match the ledger is withheld and ops alerted); the daily run also checks
 *    that each property's cash covers the tenants' deposits it holds.
 * Started by the organization's Temporal Schedules (workers/schedules.ts, in
 * its time zone) or by `POST /v1/report-runs` for a backfill.
 *
 * Workflow-safe: types only. Names are forever: they are in every run's history.
 */
import { defineQuery } from '@temporalio/workflow';

export const REPORT_RUN_WORKFLOW_TYPE = 'reportRunWorkflow';

export const REPORT_RUN_KINDS = ['month-end', 'delinquency', 'rent-roll'] as const;
export type ReportRunKind = (typeof REPORT_RUN_KINDS)[number];

/**
 * A run's id: its queue (environments sharing a namespace never meet), what
 * it builds and for when, e.g. `trilight-reports-month-end-2026-11`; a
 * backfill of the period is the same run. The schedule's runs are
 * `<queue>-<kind>-<its time>`.
 */
export function reportRunWorkflowId(reportsQueue: string, kind: ReportRunKind, period: string) {
  return `${reportsQueue}-${kind}-${period}`;
}

/** The schedule of a kind of run, on the reports task queue (its runs' ids start with it). */
export function reportRunScheduleId(reportsQueue: string, kind: ReportRunKind) {
  return `${reportsQueue}-${kind}`;
}

export interface ReportRunInput {
  kind: ReportRunKind;
  /** `YYYY-MM` for month-end, `YYYY-MM-DD` otherwise; without it, from the schedule's time in `timeZone`. */
  period?: string;
  timeZone?: string;
  /** Reports built at once (default 4). */
  parallelism?: number;
}

/** One unit of work: a batch of properties to close the month for, or a report to build. */
export type ReportTask =
  | { type: 'month-end-postings'; month: string; propertyIds: string[] }
  | { type: 'owner-statements'; month: string; ownerIds: string[] }
  | { type: 'portfolio-report'; kind: 'delinquency' | 'rent-roll'; asOf: string };

export interface ReportTaskResult {
  built: number;
  /** Already built for the period by an earlier run: not built again. */
  existing: number;
  withheld: string[];
  /** What failed for good (after its retries), with why. */
  failed: string[];
  /** Differences a check found in the books (a property's cash below the deposits it holds). */
  differences?: string[];
  /** Management fees and distributions posted now (month-end postings). */
  postedMinor?: number;
}

export interface ReportRunProgress {
  kind: ReportRunKind;
  period: string | null;
  status: 'planning' | 'posting' | 'building' | 'completed' | 'completed_with_problems';
  tasks: number;
  tasksDone: number;
  built: number;
  existing: number;
  withheld: string[];
  failed: string[];
  /** Differences the run's checks found in the books (absent in runs from before the checks). */
  differences?: string[];
}

export const reportRunProgressQuery = defineQuery<ReportRunProgress>('progress');

export type ReportRunWorkflow = (input: ReportRunInput) => Promise<ReportRunProgress>;

export interface ReportRunActivities {
  /** The period a scheduled run is for, from its nominal time in the organization's time zone. */
  reportRunPeriod(a: { kind: ReportRunKind; scheduledAt: string; timeZone: string }): Promise<string>;
  /** The run's work, in batches (so the history stays small however large the portfolio). */
  planReportRun(a: { kind: ReportRunKind; period: string }): Promise<{ postings: ReportTask[]; reports: ReportTask[] }>;
  runReportTask(a: { task: ReportTask; runId: string }): Promise<ReportTaskResult>;
}
