/** Run by a Temporal Schedule every five minutes: e-mails notifications left unsent in the outbox. */
import { proxyActivities } from '@temporalio/workflow';
import type { NotificationOutboxActivities } from '../activities/notification-outbox';

const { sendStaleNotifications } = proxyActivities<NotificationOutboxActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Rows younger than this are still being sent by the workflow that wrote them. */
const MIN_AGE_SECONDS = 10 * 60;

export async function notificationOutboxSweepWorkflow(minAgeSeconds = MIN_AGE_SECONDS): Promise<{ sent: number }> {
  return sendStaleNotifications(minAgeSeconds);
}

export function notificationOutboxScheduleId(taskQueue: string) {
  return `${taskQueue}-notification-sweep`;
}
