import type { QueryInterface } from 'sequelize';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(',');

// As they are when this migration is written (domain/ledger.ts): a later account comes with a migration of its own.
const BOOK_TYPES = ['lease', 'purchase', 'property', 'project', 'work_order'];
const ACCOUNTS = [
  'tenant_receivable', 'cash', 'deposits_held', 'rental_income', 'fee_income', 'damages_income',
  'escrow_held', 'seller_proceeds_payable', 'commissions_payable', 'title_recording_fees_payable', 'tax_prorations_payable', 'lien_payoffs_payable',
  'repairs_expense', 'retainage_payable', 'management_fees', 'owner_distributions',
];
const LEASE_ACCOUNTS = ['tenant_receivable', 'cash', 'deposits_held', 'rental_income', 'fee_income', 'damages_income'];
const LEASE_KINDS = ['rent_charged', 'fee_charged', 'credit_issued', 'payment_received', 'payment_reversed', 'deposit_received', 'deposit_applied', 'damages_charged', 'deposit_refunded'];
const KINDS = [...LEASE_KINDS, 'escrow_received', 'escrow_released'];

/**
 * One ledger for the whole platform. Every transaction belongs to a book
 * (`book_type`, `book_id`: a lease, a purchase, a property's operating book,
 * later a project or a work order) and carries the property it concerns, so
 * a property's or an owner's figures are one query. Lines carry their
 * transaction's book, held to it by a foreign key (which also makes the
 * line's transaction exist: the old one-column key goes). Existing rows are lease
 * books (their lease_id), with the lease's property. The deferred trigger
 * that refuses unbalanced transactions and the idempotency keys stay.
 *
 * Down: only while every book is a lease's (another book's rows have no
 * lease to go back to); it refuses otherwise, changing nothing.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`alter table ledger_transactions add column book_type text, add column book_id uuid, add column property_id uuid`);
    await q(`update ledger_transactions t set book_type = 'lease', book_id = t.lease_id,
               property_id = (select l.property_id from leases l where l.id = t.lease_id)`);
    await q(`alter table ledger_transactions
               alter column book_type set not null,
               alter column book_id set not null,
               drop column lease_id,
               drop constraint ledger_transactions_kind_check,
               add constraint ledger_transactions_kind_check check (kind in (${list(KINDS)})),
               add constraint ledger_transactions_book_type_check check (book_type in (${list(BOOK_TYPES)})),
               add constraint ledger_transactions_property_book_check check (book_type <> 'property' or property_id = book_id),
               add constraint ledger_transactions_book unique (id, book_type, book_id)`);
    await q(`create index ledger_transactions_book_idx on ledger_transactions (book_type, book_id, occurred_on)`);
    await q(`create index ledger_transactions_property_idx on ledger_transactions (property_id, occurred_on) where property_id is not null`);

    await q(`alter table ledger_lines add column book_type text, add column book_id uuid`);
    await q(`update ledger_lines set book_type = 'lease', book_id = lease_id`);
    // The update queued the deferred balance check for every line; run it now, or the table cannot be altered.
    await q('set constraints all immediate');
    await q(`alter table ledger_lines
               alter column book_type set not null,
               alter column book_id set not null,
               drop column lease_id,
               drop constraint ledger_lines_account_check,
               add constraint ledger_lines_account_check check (account in (${list(ACCOUNTS)})),
               drop constraint ledger_lines_transaction_id_fkey,
               add constraint ledger_lines_transaction_book_fkey foreign key (transaction_id, book_type, book_id)
                 references ledger_transactions (id, book_type, book_id) on delete cascade`);
    await q(`create index ledger_lines_book_idx on ledger_lines (book_type, book_id, account)`);
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`do $$ begin
               if exists (select 1 from ledger_transactions where book_type <> 'lease') then
                 raise exception 'the ledger holds books other than leases: it cannot go back to a lease-only ledger';
               end if;
             end $$`);
    await q(`alter table ledger_lines drop constraint ledger_lines_transaction_book_fkey, add column lease_id uuid,
               add constraint ledger_lines_transaction_id_fkey foreign key (transaction_id) references ledger_transactions (id) on delete cascade`);
    await q(`update ledger_lines set lease_id = book_id`);
    await q('set constraints all immediate');
    await q(`alter table ledger_lines
               alter column lease_id set not null,
               drop column book_type,
               drop column book_id,
               drop constraint ledger_lines_account_check,
               add constraint ledger_lines_account_check check (account in (${list(LEASE_ACCOUNTS)}))`);
    await q(`create index ledger_lines_lease_id_account on ledger_lines (lease_id, account)`);

    await q(`alter table ledger_transactions add column lease_id uuid`);
    await q(`update ledger_transactions set lease_id = book_id`);
    await q(`alter table ledger_transactions
               alter column lease_id set not null,
               drop constraint ledger_transactions_book,
               drop constraint ledger_transactions_property_book_check,
               drop constraint ledger_transactions_book_type_check,
               drop constraint ledger_transactions_kind_check,
               add constraint ledger_transactions_kind_check check (kind in (${list(LEASE_KINDS)})),
               drop column book_type,
               drop column book_id,
               drop column property_id`);
    await q(`create index ledger_transactions_lease_id_occurred_on on ledger_transactions (lease_id, occurred_on)`);
  });
}
