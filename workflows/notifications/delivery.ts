/**
 * One notification's delivery, id `notification-<id>`: sends the outbox row,
 * retrying with backoff for as long as the mail server is unreachable. Its
 * history shows operations staff every failed attempt and when it went out.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { NotificationActivities, NotificationDeliveryInput, NotificationDeliveryResult } from '../../contracts/notifications';

const { deliverNotification } = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  // No limit on attempts: an e-mail is sent once the server is back, however long that takes.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export async function notificationDeliveryWorkflow(input: NotificationDeliveryInput): Promise<NotificationDeliveryResult> {
  return deliverNotification(input);
}
