/**
 * The notification outbox. A process's activity records a row (what to send,
 * to whom) and starts its delivery workflow (contracts/notifications.ts);
 * the delivery activity e-mails it and marks it sent. At least once: the
 * row's id is the e-mail's Message-ID, so a mail client shows a repeat as
 * one message. Delivery runs on a task queue of its own, so a slow or absent
 * mail server never takes a business process's activity slots.
 */
import { activityInfo } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { renderNotification } from '../../domain/notifications';
import {
  NOTIFICATION_DELIVERY_WORKFLOW_TYPE,
  notificationWorkflowId,
  type NotificationActivities,
  type NotificationDeliveryWorkflow,
  type NotificationRequest,
} from '../../contracts/notifications';
import type { Mailer } from '../../lib/mail';
import { asSubject, leaseIdOf } from '../../domain/subject';
import { acceptLegacyInputs } from '../legacy-inputs';

export interface NotificationDeps {
  db: Sequelize;
  temporal: Client;
  /** The queue delivery workflows run on. */
  notificationTaskQueue: string;
  /**
   * When given (a quick mailer: lib/mail.ts), an e-mail is tried once as it is
   * recorded, and its delivery workflow is started only if that fails: most
   * e-mails then cost Temporal nothing. Without it, every e-mail gets its workflow.
   */
  mailer?: Mailer;
}

interface OutboxRow {
  id: string;
  template: string;
  data: Record<string, string | number>;
  recipients: string[];
  sent_at: Date | null;
}

/** Starts the delivery of one row; a delivery already running (or done) is left alone. */
async function startDelivery(deps: NotificationDeps, id: string, template: string, reusePolicy: WorkflowIdReusePolicy = WorkflowIdReusePolicy.REJECT_DUPLICATE) {
  try {
    await deps.temporal.workflow.start<NotificationDeliveryWorkflow>(NOTIFICATION_DELIVERY_WORKFLOW_TYPE, {
      workflowId: notificationWorkflowId(id),
      taskQueue: deps.notificationTaskQueue,
      args: [{ notificationId: id }],
      workflowIdReusePolicy: reusePolicy,
      memo: { summary: `e-mail "${template}"` },
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

/** For processes' activities: record a notification and hand it to its delivery workflow. */
export function createNotifications(deps: NotificationDeps) {
  const { db } = deps;
  /**
   * Records one outbox row, once per `dedupeKey` (a repeat returns the first
   * row's id), inside `transaction` when given, so it commits or rolls back
   * with the change it tells of. Delivery is started by `deliver`, after commit.
   */
  async function record({ leaseId, subject: about, template, data, to }: NotificationRequest, dedupeKey: string, transaction?: Transaction): Promise<string | undefined> {
    const subject = about ?? asSubject(leaseId!);
    const [row] = await db.query<{ id: string }>(
      `with inserted as (
         insert into notification_outbox (id, lease_id, subject_type, subject_id, template, data, recipients, dedupe_key, created_at)
         values (gen_random_uuid(), $1, $6, $7, $2, $3::jsonb, $4::text[], $5, now()) on conflict (dedupe_key) do nothing returning id)
       select id from inserted union all select id from notification_outbox where dedupe_key = $5`,
      { bind: [leaseIdOf(subject), template, JSON.stringify(data), to, dedupeKey, subject.type, subject.id], type: QueryTypes.SELECT, transaction },
    );
    return row?.id;
  }
  return {
    record,
    /** Sends a recorded row now if it can (see `mailer`), else starts its delivery (one already running or done is left alone). */
    async deliver(id: string, template: string): Promise<void> {
      if (deps.mailer && (await sendNow(db, deps.mailer, id))) return;
      await startDelivery(deps, id, template);
    },
    async notify(request: NotificationRequest): Promise<void> {
      // One row per activity invocation, so a retried activity records it once.
      const info = activityInfo();
      const id = await record(request, `${info.workflowExecution?.runId ?? 'standalone'}:${info.activityId}`);
      if (!id || !request.to.length) return;
      if (deps.mailer && (await sendNow(db, deps.mailer, id))) return;
      await startDelivery(deps, id, request.template);
    },
  };
}

export type Notifications = ReturnType<typeof createNotifications>;

/** Sends one outbox row unless it was sent before (or has nobody to go to); true when it went now. A failed send throws. */
async function send(db: Sequelize, mailer: Mailer, notificationId: string): Promise<boolean> {
  const [row] = await db.query<OutboxRow>('select id, template, data, recipients, sent_at from notification_outbox where id = $1', {
    bind: [notificationId],
    type: QueryTypes.SELECT,
  });
  if (!row || row.sent_at || !row.recipients.length) return false;
  const { subject, text } = renderNotification(row.template, row.data);
  await mailer.send({ to: row.recipients, subject, text, messageId: row.id });
  await db.query('update notification_outbox set sent_at = now() where id = $1', { bind: [row.id] });
  return true;
}

/** The first try, from the activity that recorded it: true when it is sent; false (never a throw) leaves it to a delivery workflow. */
async function sendNow(db: Sequelize, mailer: Mailer, notificationId: string): Promise<boolean> {
  try {
    await send(db, mailer, notificationId);
    return true;
  } catch {
    return false;
  }
}

/** Delivery, on the notifications task queue. */
export function createNotificationDelivery({ db, mailer }: { db: Sequelize; mailer: Mailer }): Pick<NotificationActivities, 'deliverNotification'> {
  return {
    async deliverNotification({ notificationId }) {
      return { sent: await send(db, mailer, notificationId) };
    },
  };
}

/** The sweep's activity (its schedule runs it on the leases task queue, where it always ran). */
export function createNotificationSweep(deps: NotificationDeps): Pick<NotificationActivities, 'sendStaleNotifications'> {
  const activities: Pick<NotificationActivities, 'sendStaleNotifications'> = {
    async sendStaleNotifications({ minAgeSeconds, batchSize = 200 }) {
      const rows = await deps.db.query<{ id: string; template: string }>(
        `select id, template from notification_outbox where sent_at is null and cardinality(recipients) > 0
            and created_at < now() - make_interval(secs => $1) order by created_at limit $2`,
        { bind: [minAgeSeconds, batchSize], type: QueryTypes.SELECT },
      );
      let sent = 0;
      // A delivery that failed or was terminated may run again; one still running is left to finish.
      for (const { id, template } of rows) if (await startDelivery(deps, id, template, WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY)) sent++;
      return { sent };
    },
  };
  return acceptLegacyInputs(activities, { sendStaleNotifications: (minAgeSeconds: number, batchSize?: number) => ({ minAgeSeconds, batchSize }) });
}
