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
  const escrowId = escrowReconciliationScheduleId(queues.purchases);
  const { hour: escrowHour, minute: escrowMinute, timeZone: escrowZone } = ESCROW_RECONCILIATION_SCHEDULE;
  const escrowSpec = { calendars: [{ hour: escrowHour, minute: escrowMinute }], timezone: escrowZone };
  // The run takes its day from the schedule's nominal time.
  const escrowArgs: [EscrowReconciliationInput] = [{}];
  try {
    await client.schedule.create({
      scheduleId: escrowId,
      spec: escrowSpec,
      action: { type: 'startWorkflow', workflowType: ESCROW_RECONCILIATION_WORKFLOW_TYPE, taskQueue: queues.purchases, workflowId: 'escrow-reconciliation', args: escrowArgs },
      // A run still going at the next day's time is not doubled; a day missed (the server down) is run once caught up.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { summary: `Reconciles escrow held by open purchases with the ledger each day at ${String(escrowHour).padStart(2, '0')}:${String(escrowMinute).padStart(2, '0')} ${escrowZone}` },
    });
    created.push(escrowId);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    // Keep the time and the action as this code declares them.
    await client.schedule.getHandle(escrowId).update((s) => ({ ...s, spec: escrowSpec, action: { ...s.action, args: escrowArgs } }));
  }
  const remindersId = contractorRemindersScheduleId(queues.operations);
  const { hour: rHour, minute: rMinute, timeZone: rZone } = CONTRACTOR_REMINDERS_SCHEDULE;
  const remindersSpec = { calendars: [{ hour: rHour, minute: rMinute }], timezone: rZone };
  // The run takes its day from the schedule's nominal time.
  const remindersArgs: [ContractorRemindersInput] = [{}];
  try {
    await client.schedule.create({
      scheduleId: remindersId,
      spec: remindersSpec,
      action: { type: 'startWorkflow', workflowType: CONTRACTOR_REMINDERS_WORKFLOW_TYPE, taskQueue: queues.operations, workflowId: 'contractor-document-reminders', args: remindersArgs },
      // A day missed (the server down) is run once caught up; the run itself catches up on reminders it finds unsent.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { summary: `Reminds contractors (and their managers) of documents expiring in 30 and 3 days, each day at ${String(rHour).padStart(2, '0')}:${String(rMinute).padStart(2, '0')} ${rZone}` },
    });
    created.push(remindersId);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(remindersId).update((s) => ({ ...s, spec: remindersSpec, action: { ...s.action, args: remindersArgs } }));
  }
  return created;
}
