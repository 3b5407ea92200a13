/** Temporal Schedules the platform needs, created idempotently when a worker starts. */
import type { Duration } from '@temporalio/common';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type DayOfWeek } from '@temporalio/client';
import { REPORT_RUN_WORKFLOW_TYPE, reportRunScheduleId, type ReportRunInput, type ReportRunKind } from '../contracts/report-run';
import {
  ESCROW_RECONCILIATION_SCHEDULE,
  ESCROW_RECONCILIATION_WORKFLOW_TYPE,
  escrowReconciliationScheduleId,
  type EscrowReconciliationInput,
} from '../contracts/escrow-reconciliation';
import {
  CONTRACTOR_REMINDERS_SCHEDULE,
  CONTRACTOR_REMINDERS_WORKFLOW_TYPE,
  contractorRemindersScheduleId,
  type ContractorRemindersInput,
} from '../contracts/contractor-reminders';
import { NOTIFICATION_SWEEP_WORKFLOW_TYPE, notificationOutboxScheduleId } from '../contracts/notifications';
import { RENT_RUN_WORKFLOW_TYPE, rentRunScheduleId, type RentRunInput } from '../contracts/rent-run';
import { SEARCH_OUTBOX_SWEEP_WORKFLOW_TYPE, searchOutboxScheduleId } from '../contracts/search';

export async function ensureSchedules(
  client: Client,
  queues: { search: string; rent: string; leases: string; purchases: string; operations: string; reports: string },
  rentRun: { time: string; timeZone: string },
): Promise<string[]> {
  const created: string[] = [];
  const [hour, minute] = rentRun.time.split(':').map(Number) as [number, number];
  const rentRunId = rentRunScheduleId(queues.rent);
  const rentArgs: [RentRunInput] = [{ timeZone: rentRun.timeZone }];
  try {
    await client.schedule.create({
      scheduleId: rentRunId,
      spec: { calendars: [{ hour, minute }], timezone: rentRun.timeZone },
      action: { type: 'startWorkflow', workflowType: RENT_RUN_WORKFLOW_TYPE, taskQueue: queues.rent, workflowId: 'rent-run', args: rentArgs },
      // A run still going at the next day's time is not doubled; the next run catches up on anything missed.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { summary: `Collects the rent due each day at ${rentRun.time} ${rentRun.timeZone}` },
    });
    created.push(rentRunId);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    // The configured time may have changed since the schedule was made.
    await client.schedule.getHandle(rentRunId).update((s) => ({
      ...s,
      spec: { calendars: [{ hour, minute }], timezone: rentRun.timeZone },
      action: { ...s.action, args: rentArgs },
    }));
  }
  const scheduleId = searchOutboxScheduleId(queues.search);
  const sweepId = notificationOutboxScheduleId(queues.leases);
  try {
    await client.schedule.create({
      scheduleId: sweepId,
      spec: { intervals: [{ every: '5 minutes' }] },
      action: { type: 'startWorkflow', workflowType: NOTIFICATION_SWEEP_WORKFLOW_TYPE, taskQueue: queues.leases, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '5 minutes' },
      memo: { summary: 'Starts delivery for notifications left unsent in the outbox' },
    });
    created.push(sweepId);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1 minute' }] },
      action: { type: 'startWorkflow', workflowType: SEARCH_OUTBOX_SWEEP_WORKFLOW_TYPE, taskQueue: queues.search, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      memo: { summary: 'Re-drives listing indexing requests written while Temporal was unreachable' },
    });
    created.push(scheduleId);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  // Both runs take their day from the schedule's nominal time, so their argument is empty.
  const escrowArgs: [EscrowReconciliationInput] = [{}];
  const escrow = await ensureDailySchedule(client, {
    scheduleId: escrowReconciliationScheduleId(queues.purchases),
    at: ESCROW_RECONCILIATION_SCHEDULE,
    workflowType: ESCROW_RECONCILIATION_WORKFLOW_TYPE,
    taskQueue: queues.purchases,
    workflowId: 'escrow-reconciliation',
    args: escrowArgs,
    summary: 'Reconciles escrow held by open purchases with the ledger',
  });
  // The run itself also catches up on reminders it finds unsent.
  const remindersArgs: [ContractorRemindersInput] = [{}];
  const reminders = await ensureDailySchedule(client, {
    scheduleId: contractorRemindersScheduleId(queues.operations),
    at: CONTRACTOR_REMINDERS_SCHEDULE,
    workflowType: CONTRACTOR_REMINDERS_WORKFLOW_TYPE,
    taskQueue: queues.operations,
    workflowId: 'contractor-document-reminders',
    args: remindersArgs,
    summary: 'Reminds contractors (and their managers) of documents expiring in 30 and 3 days',
  });
  created.push(...escrow, ...reminders);
  // The organization's reports, in its time zone (the rent run's): each run names its own period from the schedule's time.
  for (const r of REPORT_SCHEDULES) {
    const args: [ReportRunInput] = [{ kind: r.kind, timeZone: rentRun.timeZone }];
    created.push(
      ...(await ensureDailySchedule(client, {
        scheduleId: reportRunScheduleId(queues.reports, r.kind),
        at: { ...r.at, timeZone: rentRun.timeZone },
        workflowType: REPORT_RUN_WORKFLOW_TYPE,
        taskQueue: queues.reports,
        workflowId: reportRunScheduleId(queues.reports, r.kind),
        args,
        summary: r.summary,
        catchupWindow: r.catchupWindow,
      })),
    );
  }
  return created;
}

/** When each report run is due, in the organization's time zone. */
const REPORT_SCHEDULES: { kind: ReportRunKind; at: { hour: number; minute: number; dayOfMonth?: number; dayOfWeek?: DayOfWeek }; summary: string; catchupWindow: Duration }[] = [
  // After the last day's payments have posted, before anyone reads their statement; a day late is still worth running.
  { kind: 'month-end', at: { dayOfMonth: 1, hour: 3, minute: 0 }, summary: 'Posts the month\'s management fees and owner distributions, then sends every owner their statement for the month before', catchupWindow: '3 days' },
  { kind: 'delinquency', at: { dayOfWeek: 'MONDAY', hour: 7, minute: 0 }, summary: 'Builds the delinquency aging report', catchupWindow: '1 day' },
  { kind: 'rent-roll', at: { hour: 7, minute: 30 }, summary: 'Builds the rent roll', catchupWindow: '1 day' },
];

/**
 * A workflow run at a fixed time each day (or each month's day, or each
 * week's): a run still going at the next time is not doubled, and a time
 * missed (the server down) is run once caught up. An existing schedule is
 * brought back to the time and arguments declared here. Returns its id when
 * it was created now.
 */
async function ensureDailySchedule(
  client: Client,
  o: {
    scheduleId: string;
    at: { hour: number; minute: number; timeZone: string; dayOfMonth?: number; dayOfWeek?: DayOfWeek };
    workflowType: string;
    taskQueue: string;
    workflowId: string;
    args: unknown[];
    summary: string;
    catchupWindow?: Duration;
  },
): Promise<string[]> {
  const { timeZone, ...calendar } = o.at;
  const spec = { calendars: [calendar], timezone: timeZone };
  const time = `${String(o.at.hour).padStart(2, '0')}:${String(o.at.minute).padStart(2, '0')} ${timeZone}`;
  const when = o.at.dayOfMonth ? `on day ${o.at.dayOfMonth} of each month` : o.at.dayOfWeek ? `each ${o.at.dayOfWeek.toLowerCase()}` : 'each day';
  try {
    await client.schedule.create({
      scheduleId: o.scheduleId,
      spec,
      action: { type: 'startWorkflow', workflowType: o.workflowType, taskQueue: o.taskQueue, workflowId: o.workflowId, args: o.args },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: o.catchupWindow ?? '1 day' },
      memo: { summary: `${o.summary}, ${when} at ${time}` },
    });
    return [o.scheduleId];
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(o.scheduleId).update((s) => ({ ...s, spec, action: { ...s.action, args: o.args } }));
    return [];
  }
}
