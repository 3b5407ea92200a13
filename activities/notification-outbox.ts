/**
 * The notification outbox: a notification is a row written with the event
 * that causes it, then e-mailed and marked sent. The lease workflow's notify
 * activity sends its own row at once (retrying until it goes); the sweep here,
 * run by a Schedule, sends any row still unsent after a while (a workflow that
 * gave up, a row written outside a workflow). At least once: the row's id is
 * the e-mail's Message-ID, so a mail client shows a repeat as one message.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import { renderNotification } from '../domain/notifications';
import type { Mailer } from '../lib/mail';

interface OutboxRow {
  id: string;
  template: string;
  data: Record<string, string | number>;
  recipients: string[];
  sent_at: Date | null;
}

/** E-mails one outbox row unless it was sent already; a failed send throws (the caller retries). */
export async function deliverNotification(db: Sequelize, mailer: Mailer | undefined, id: string): Promise<boolean> {
  const [row] = await db.query<OutboxRow>('select id, template, data, recipients, sent_at from notification_outbox where id = $1', {
    bind: [id],
    type: QueryTypes.SELECT,
  });
  if (!row || row.sent_at || !row.recipients.length || !mailer) return false;
  const { subject, text } = renderNotification(row.template, row.data);
  await mailer.send({ to: row.recipients, subject, text, messageId: row.id });
  await db.query('update notification_outbox set sent_at = now() where id = $1', { bind: [row.id] });
  return true;
}

export function createNotificationOutboxActivities({ db, mailer }: { db: Sequelize; mailer?: Mailer }) {
  return {
    /** Sends rows unsent for longer than `minAgeSeconds` (younger ones are still being sent by their workflow). */
    async sendStaleNotifications(minAgeSeconds: number, batchSize = 200): Promise<{ sent: number }> {
      const rows = await db.query<{ id: string }>(
        `select id from notification_outbox where sent_at is null and cardinality(recipients) > 0
            and created_at < now() - make_interval(secs => $1) order by created_at limit $2`,
        { bind: [minAgeSeconds, batchSize], type: QueryTypes.SELECT },
      );
      let sent = 0;
      for (const { id } of rows) if (await deliverNotification(db, mailer, id)) sent++;
      return { sent };
    },
  };
}

export type NotificationOutboxActivities = ReturnType<typeof createNotificationOutboxActivities>;
