/** Temporal Schedules the platform needs, created idempotently when a worker starts. */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
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
  queues: { search: string; rent: string; leases: string; purchases: string; operations: string },
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
  return created;
}

/**
 * A workflow run once a day at a fixed time: a run still going at the next
 * day's time is not doubled, and a day missed (the server down) is run once
 * caught up. An existing schedule is brought back to the time and arguments
 * declared here. Returns its id when it was created now.
 */
async function ensureDailySchedule(
  client: Client,
  o: { scheduleId: string; at: { hour: number; minute: number; timeZone: string }; workflowType: string; taskQueue: string; workflowId: string; args: unknown[]; summary: string },
): Promise<string[]> {
  const spec = { calendars: [{ hour: o.at.hour, minute: o.at.minute }], timezone: o.at.timeZone };
  const time = `${String(o.at.hour).padStart(2, '0')}:${String(o.at.minute).padStart(2, '0')} ${o.at.timeZone}`;
  try {
    await client.schedule.create({
      scheduleId: o.scheduleId,
      spec,
      action: { type: 'startWorkflow', workflowType: o.workflowType, taskQueue: o.taskQueue, workflowId: o.workflowId, args: o.args },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { summary: `${o.summary}, each day at ${time}` },
    });
    return [o.scheduleId];
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(o.scheduleId).update((s) => ({ ...s, spec, action: { ...s.action, args: o.args } }));
    return [];
  }
}
