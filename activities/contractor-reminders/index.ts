/**
 * The vendor-document reminders' activity (contracts/contractor-reminders.ts)
 * on Postgres. Each document is handled in a transaction of its own that
 * locks its row, reads what was sent, and records the reminders with their
 * e-mail, so two runs at once (the schedule's and one started by hand)
 * cannot both send it; delivery starts after the commit.
 */
import { QueryTypes } from 'sequelize';
import type { ContractorRemindersActivities, SentReminder } from '../../contracts/contractor-reminders';
import { addDays } from '../../domain/calendar';
import { dueExpiryReminders, EXPIRY_REMINDER_DAYS, vendorDocumentLabel, type VendorDocumentKind } from '../../domain/work-order/vendor-compliance';
import { createNotifications, type NotificationDeps } from '../notifications';

export const REMINDER_TEMPLATE = 'contractor_document_expiring';

interface CandidateRow {
  id: string;
  contractor_id: string;
  kind: VendorDocumentKind;
  expires_on: string;
  company: string;
  recipients: string[];
}

/**
 * Documents that expire within the widest reminder window from `$1`, unless
 * the contractor already holds a renewal of the same kind (one that lasts
 * longer, or never expires): nobody needs reminding of a certificate already
 * replaced. Recipients: the contractor, and the managers of the properties
 * they worked for in the last year.
 */
const CANDIDATES_SQL = `
  select d.id, d.contractor_id, d.kind, to_char(d.expires_on, 'YYYY-MM-DD') as expires_on, c.company,
         array(select distinct e from unnest(array[u.email] || array(
                 select m.email from work_orders w join properties p on p.id = w.property_id join users m on m.id = p.manager_id
                  where w.contractor_id = c.user_id and w.raised_at > $1::date - interval '365 days')) e) as recipients
    from contractor_documents d
    join contractors c on c.user_id = d.contractor_id
    join users u on u.id = c.user_id
   where d.expires_on between $1::date and $2::date
     and not exists (select 1 from contractor_documents r
                      where r.contractor_id = d.contractor_id and r.kind = d.kind and r.id <> d.id
                        and (r.expires_on is null or r.expires_on > d.expires_on))
   order by d.expires_on, d.id`;

export function createContractorReminderActivities(deps: NotificationDeps): ContractorRemindersActivities {
  const { db } = deps;
  const notifications = createNotifications(deps);
  return {
    async sendDocumentExpiryReminders({ asOf }) {
      const widest = Math.max(...EXPIRY_REMINDER_DAYS);
      const candidates = await db.query<CandidateRow>(CANDIDATES_SQL, { bind: [asOf, addDays(asOf, widest)], type: QueryTypes.SELECT });
      const sent: (SentReminder & { notificationId: string })[] = [];
      for (const doc of candidates) {
        const reminder = await db.transaction(async (transaction) => {
          // The lock makes a concurrent run wait, then see what this one sent.
          await db.query('select id from contractor_documents where id = $1 for update', { bind: [doc.id], transaction });
          const rows = await db.query<{ days_before: number }>('select days_before from contractor_document_reminders where document_id = $1', {
            bind: [doc.id],
            type: QueryTypes.SELECT,
            transaction,
          });
          const [due] = dueExpiryReminders([{ id: doc.id, expiresOn: doc.expires_on, sent: rows.map((r) => r.days_before) }], asOf);
          if (!due) return undefined;
          const notificationId = await notifications.record(
            {
              subject: { type: 'contractor', id: doc.contractor_id },
              template: REMINDER_TEMPLATE,
              data: { company: doc.company, document: vendorDocumentLabel(doc.kind), expiresOn: doc.expires_on, daysLeft: due.daysLeft },
              to: doc.recipients,
            },
            `contractor-document:${doc.id}:${due.covers.join(',')}`,
            transaction,
          );
          for (const days of due.covers) {
            await db.query('insert into contractor_document_reminders (document_id, days_before, sent_on, notification_id) values ($1, $2, $3::date, $4)', {
              bind: [doc.id, days, asOf, notificationId],
              transaction,
            });
          }
          return { documentId: doc.id, contractorId: doc.contractor_id, kind: doc.kind, expiresOn: doc.expires_on, daysLeft: due.daysLeft, covers: due.covers, recipients: doc.recipients, notificationId: notificationId! };
        });
        if (reminder) sent.push(reminder);
      }
      for (const r of sent) await notifications.deliver(r.notificationId, REMINDER_TEMPLATE);
      return sent.map(({ notificationId: _, ...r }) => r);
    },
  };
}
