import type { QueryInterface } from 'sequelize';

/**
 * The reminders sent before a vendor document expires (30 and 3 days
 * before): one row per document and reminder, written in the transaction
 * that records its e-mail, so no reminder goes out twice and a missed day is
 * caught up. A renewed document is a new row, with reminders of its own.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`create table contractor_document_reminders (
               document_id uuid not null references contractor_documents (id) on delete cascade,
               days_before smallint not null check (days_before > 0),
               sent_on date not null,
               notification_id uuid not null,
               primary key (document_id, days_before))`);
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.sequelize.query('drop table contractor_document_reminders', { transaction });
  });
}
