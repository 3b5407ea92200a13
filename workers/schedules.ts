/** Temporal Schedules the platform needs, created idempotently when a worker starts. */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { searchOutboxScheduleId } from '../workflows/search-outbox-sweep';

export async function ensureSchedules(client: Client, queues: { search: string }): Promise<string[]> {
  const created: string[] = [];
  const scheduleId = searchOutboxScheduleId(queues.search);
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1 minute' }] },
      action: { type: 'startWorkflow', workflowType: 'searchOutboxSweepWorkflow', taskQueue: queues.search, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      memo: { summary: 'Re-drives listing indexing requests written while Temporal was unreachable' },
    });
    created.push(scheduleId);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  return created;
}
