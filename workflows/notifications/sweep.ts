/** Run by a Temporal Schedule every five minutes: starts delivery for notifications left without one. */
import { proxyActivities } from '@temporalio/workflow';
import type { NotificationActivities } from '../../contracts/notifications';

const { sendStaleNotifications } = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Rows younger than this are still being handed to their delivery by the activity that wrote them. */
const MIN_AGE_SECONDS = 10 * 60;

export async function notificationOutboxSweepWorkflow(minAgeSeconds = MIN_AGE_SECONDS): Promise<{ sent: number }> {
  return sendStaleNotifications({ minAgeSeconds });
}
