/**
 * Notifications, a platform piece every process uses: a process records an
 * e-mail in the outbox (its own activity, a database write) and moves on;
 * one delivery workflow per notification, id `notification-<id>`, sends it,
 * retrying for as long as the mail server is away. A scheduled sweep starts
 * delivery for any row left without one. A notification never holds the
 * process that wrote it.
 */
import type { NotificationSubject } from '../domain/subject';

export const NOTIFICATION_DELIVERY_WORKFLOW_TYPE = 'notificationDeliveryWorkflow';
export const NOTIFICATION_SWEEP_WORKFLOW_TYPE = 'notificationOutboxSweepWorkflow';

export function notificationWorkflowId(notificationId: string) {
  return `notification-${notificationId}`;
}

/** The sweep's schedule, on the queue its workflow runs on. */
export function notificationOutboxScheduleId(taskQueue: string) {
  return `${taskQueue}-notification-sweep`;
}

export interface NotificationDeliveryInput {
  notificationId: string;
}

export interface NotificationDeliveryResult {
  /** False when it had been sent before, or has nobody to go to. */
  sent: boolean;
}

export type NotificationDeliveryWorkflow = (input: NotificationDeliveryInput) => Promise<NotificationDeliveryResult>;

/** What a process records: the template, its data and who it goes to, about one of the process's records. */
export interface NotificationRequest {
  /** The lease it is about (as the lease's activities have always said)… */
  leaseId?: string;
  /** …or the record of another process. */
  subject?: NotificationSubject;
  /** A template of domain/notifications.ts. */
  template: string;
  data: Record<string, string | number>;
  to: string[];
}

export interface NotificationActivities {
  /** Sends one outbox row unless it was sent before; a failed send throws, and Temporal retries it. */
  deliverNotification(a: NotificationDeliveryInput): Promise<NotificationDeliveryResult>;
  /**
   * The sweep: starts delivery for rows unsent for longer than `minAgeSeconds`
   * whose delivery workflow is not running (written before deliveries were
   * workflows, or a delivery terminated by hand). The name is from when the
   * sweep sent them itself; `sent` counts the deliveries it started.
   */
  sendStaleNotifications(a: { minAgeSeconds: number; batchSize?: number }): Promise<{ sent: number }>;
}
