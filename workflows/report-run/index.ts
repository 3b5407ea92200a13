/**
 * A report run (contracts/report-run.ts): plans the period's work in batches,
 * posts a month's fees and distributions before any statement reads them,
 * then builds the reports with at most `parallelism` at once. Every task is
 * idempotent (its postings and stored reports are keyed by period), so a
 * retried task, a rerun of the period, or a backfill builds nothing twice.
 * Progress is a query, and ProcessStatus and ReportRun (kind, period) let
 * operations staff find the run in the Web UI.
 */
import { ActivityFailure, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  reportRunProgressQuery,
  type ReportRunActivities,
  type ReportRunInput,
  type ReportRunProgress,
  type ReportTask,
  type ReportTaskResult,
} from '../../contracts/report-run';
import { ProcessStatusKey, ReportRunKey } from '../../domain/search-attributes';
import { scheduledStart } from '../scheduled-start';

const { reportRunPeriod, planReportRun } = proxyActivities<ReportRunActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', maximumAttempts: 20 },
});

const { runReportTask } = proxyActivities<ReportRunActivities>({
  // A batch of statements with their PDFs: well under this on a loaded machine.
  startToCloseTimeout: '10 minutes',
  // A failed report retries; one that keeps failing is reported, and the rest of the run goes on.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 6 },
});

function describe(task: ReportTask): string {
  switch (task.type) {
    case 'month-end-postings':
      return `month-end postings ${task.month} for ${task.propertyIds.length} properties`;
    case 'owner-statements':
      return `owner statements ${task.month} for ${task.ownerIds.length} owners`;
    case 'portfolio-report':
      return `${task.kind} as of ${task.asOf}`;
  }
}

export async function reportRunWorkflow(input: ReportRunInput): Promise<ReportRunProgress> {
  const progress: ReportRunProgress = { kind: input.kind, period: input.period ?? null, status: 'planning', tasks: 0, tasksDone: 0, built: 0, existing: 0, withheld: [], failed: [], differences: [] };
  setHandler(reportRunProgressQuery, () => progress);
  try {
    return await runReports(input, progress);
  } catch (err) {
    // A run that could not be planned (or failed in the workflow itself) must not show as running in the Web UI.
    upsertSearchAttributes([{ key: ProcessStatusKey, value: 'failed' }]);
    throw err;
  }
}

async function runReports(input: ReportRunInput, progress: ReportRunProgress): Promise<ReportRunProgress> {
  const period = input.period ?? (await reportRunPeriod({ kind: input.kind, scheduledAt: scheduledStart().toISOString(), timeZone: input.timeZone ?? 'UTC' }));
  progress.period = period;
  upsertSearchAttributes([
    { key: ProcessStatusKey, value: 'running' },
    { key: ReportRunKey, value: [input.kind, period] },
  ]);
  const plan = await planReportRun({ kind: input.kind, period });
  progress.tasks = plan.postings.length + plan.reports.length;
  const runId = workflowInfo().workflowId;

  const run = async (task: ReportTask) => {
    let result: ReportTaskResult;
    try {
      result = await runReportTask({ task, runId });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      result = { built: 0, existing: 0, withheld: [], failed: [`${describe(task)}: ${err.cause?.message ?? err.message}`] };
    }
    progress.tasksDone += 1;
    progress.built += result.built;
    progress.existing += result.existing;
    progress.withheld.push(...result.withheld);
    progress.failed.push(...result.failed);
    progress.differences!.push(...(result.differences ?? []));
  };
  const inParallel = async (tasks: readonly ReportTask[]) => {
    const queue = [...tasks];
    const worker = async () => {
      for (let task = queue.shift(); task; task = queue.shift()) await run(task);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(input.parallelism ?? 4, queue.length)) }, worker));
  };

  // Statements read the month's fees and distributions: every posting first.
  progress.status = 'posting';
  await inParallel(plan.postings);
  const postingsFailed = progress.failed.length > 0;
  progress.status = 'building';
  // A statement without its month's fee and distributions would be kept (and e-mailed) wrong: none until a rerun posts them.
  if (postingsFailed && plan.reports.length) progress.failed.push(`${plan.reports.length} statement task(s) held back: the month's postings did not all complete; run the period again`);
  else await inParallel(plan.reports);
  progress.status = progress.failed.length || progress.withheld.length || progress.differences!.length ? 'completed_with_problems' : 'completed';
  upsertSearchAttributes([{ key: ProcessStatusKey, value: progress.status }]);
  return progress;
}
