import type { QueryInterface } from 'sequelize';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(',');

// As they are when this migration is written (domain/ledger.ts).
const KINDS_BEFORE = [
  'rent_charged', 'fee_charged', 'credit_issued', 'payment_received', 'payment_reversed', 'deposit_received', 'deposit_applied', 'damages_charged', 'deposit_refunded',
  'escrow_received', 'escrow_released', 'proceeds_allocated', 'commission_allocated', 'charges_allocated', 'payoff_allocated', 'proceeds_paid', 'commission_paid', 'charges_paid', 'payoff_paid',
  'repair_paid', 'repair_charged', 'draw_paid', 'retainage_withheld', 'retainage_released',
];
const BOOKS_KINDS = ['bill_paid', 'management_fee_charged', 'owner_contribution', 'owner_distribution'];
const ACCOUNTS_BEFORE = [
  'tenant_receivable', 'cash', 'deposits_held', 'rental_income', 'fee_income', 'damages_income',
  'escrow_held', 'seller_proceeds_payable', 'commissions_payable', 'title_recording_fees_payable', 'tax_prorations_payable', 'lien_payoffs_payable',
  'repairs_expense', 'retainage_payable', 'management_fees', 'owner_distributions',
];
const BOOKS_ACCOUNTS = ['utilities_expense', 'insurance_expense', 'property_tax_expense', 'hoa_expense', 'other_expense', 'owner_contributions'];
const BILL_ACCOUNTS = ['repairs_expense', 'utilities_expense', 'insurance_expense', 'property_tax_expense', 'hoa_expense', 'management_fees', 'other_expense'];

/**
 * A property manager's books of a property:
 *  - who owns it, in shares (a property can have several owners; every
 *    property starts owned whole by its owner of record);
 *  - its management agreement (fee on rent collected, leasing fee, reserve,
 *    the bill amount above which a bill needs approval), dated, so a new
 *    agreement takes over from its start day;
 *  - its bills (entered by hand, or made by a paid work order or draw), each
 *    posted to the property's book when paid;
 *  - the ledger's new movements (bills paid, management fees, owners'
 *    contributions and distributions) and accounts, and on every transaction
 *    the party paid or paying (a vendor, an owner), which the vendor tax
 *    summary and owner statements read;
 *  - the reports built by schedules, once per kind, scope and period.
 * Work orders already paid get their bill and their vendor on the ledger.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`create table property_owners (
               property_id uuid not null references properties (id) on delete cascade,
               owner_id uuid not null references users (id),
               share_bps integer not null check (share_bps between 1 and 10000),
               primary key (property_id, owner_id))`);
    await q(`create index property_owners_owner_idx on property_owners (owner_id)`);
    await q(`insert into property_owners (property_id, owner_id, share_bps) select id, owner_id, 10000 from properties`);
    // However a property is made (the API, an import), it starts owned whole by its owner of record.
    await q(`create function property_owned_whole() returns trigger language plpgsql as $$
               begin
                 insert into property_owners (property_id, owner_id, share_bps) values (new.id, new.owner_id, 10000) on conflict do nothing;
                 return new;
               end $$`);
    await q(`create trigger properties_owned_whole after insert on properties for each row execute function property_owned_whole()`);

    await q(`create table management_agreements (
               id uuid primary key default gen_random_uuid(),
               property_id uuid not null references properties (id) on delete cascade,
               currency char(3) not null,
               fee_bps integer not null check (fee_bps between 0 and 10000),
               leasing_fee_minor bigint not null default 0 check (leasing_fee_minor >= 0),
               reserve_minor bigint not null default 0 check (reserve_minor >= 0),
               approval_threshold_minor bigint not null default 0 check (approval_threshold_minor >= 0),
               starts_on date not null,
               created_by uuid references users (id),
               created_at timestamptz not null default now(),
               unique (property_id, starts_on))`);

    await q(`create table bills (
               id uuid primary key,
               property_id uuid not null references properties (id),
               unit_id uuid references units (id),
               vendor_id uuid references users (id),
               vendor_name text not null,
               account text not null check (account in (${list(BILL_ACCOUNTS)})),
               amount_minor bigint not null check (amount_minor > 0),
               currency char(3) not null,
               description text not null,
               invoice_number text,
               bill_date date not null,
               due_on date not null,
               status text not null check (status in ('pending_approval','approved','paid','void')),
               approval_required boolean not null,
               approved_by uuid references users (id),
               approved_at timestamptz,
               paid_on date,
               payment_method text check (payment_method in ('transfer','card','check')),
               payment_reference text,
               ledger_transaction_id uuid references ledger_transactions (id),
               source text not null check (source in ('manual','work_order','draw')),
               source_key text unique,
               work_order_id uuid,
               project_id uuid,
               attachment_ids uuid[] not null default '{}',
               void_reason text,
               created_by uuid references users (id),
               created_at timestamptz not null default now(),
               updated_at timestamptz not null default now(),
               check ((status = 'paid') = (ledger_transaction_id is not null and paid_on is not null)))`);
    await q(`create index bills_property_idx on bills (property_id, bill_date)`);
    await q(`create index bills_vendor_idx on bills (vendor_id, paid_on) where vendor_id is not null`);
    await q(`create index bills_open_idx on bills (property_id) where status in ('pending_approval','approved')`);

    await q(`alter table ledger_transactions add column party_id uuid`);
    await q(`create index ledger_transactions_party_idx on ledger_transactions (party_id, occurred_on) where party_id is not null`);
    await q(`alter table ledger_transactions
               drop constraint ledger_transactions_kind_check,
               add constraint ledger_transactions_kind_check check (kind in (${list([...KINDS_BEFORE, ...BOOKS_KINDS])}))`);
    await q(`alter table ledger_lines
               drop constraint ledger_lines_account_check,
               add constraint ledger_lines_account_check check (account in (${list([...ACCOUNTS_BEFORE, ...BOOKS_ACCOUNTS])}))`);

    // Work orders already paid: their contractor on the ledger, and a bill (paid) for each.
    await q(`update ledger_transactions t set party_id = w.contractor_id
               from work_orders w where t.idempotency_key = 'workorder:' || w.id || ':paid' and w.contractor_id is not null`);
    await q(`insert into bills (id, property_id, unit_id, vendor_id, vendor_name, account, amount_minor, currency, description, bill_date, due_on,
                                status, approval_required, paid_on, payment_reference, ledger_transaction_id, source, source_key, work_order_id)
             select gen_random_uuid(), w.property_id, w.unit_id, w.contractor_id, coalesce(c.company, 'contractor'), 'repairs_expense', t.amount_minor, t.currency,
                    'work order ' || w.id, t.occurred_on, t.occurred_on, 'paid', false, t.occurred_on, t.reference, t.id, 'work_order', 'workorder:' || w.id, w.id
               from ledger_transactions t join work_orders w on t.idempotency_key = 'workorder:' || w.id || ':paid'
               left join contractors c on c.user_id = w.contractor_id`);

    // A property's month, closed once: its fee and distributions are posted (or nothing was owed).
    await q(`create table month_closings (
               property_id uuid not null references properties (id) on delete cascade,
               month char(7) not null,
               fee_minor bigint not null,
               distributed_minor bigint not null,
               currency char(3) not null,
               closed_at timestamptz not null default now(),
               primary key (property_id, month))`);
    await q(`create table report_documents (
               id uuid primary key default gen_random_uuid(),
               kind text not null,
               scope text not null,
               period text not null,
               currency char(3) not null,
               status text not null check (status in ('built','withheld')),
               withheld_reason text,
               data jsonb,
               document_id uuid references documents (id),
               sha256 char(64),
               run_id text,
               created_at timestamptz not null default now(),
               unique (kind, scope, period, currency),
               check ((status = 'built') = (document_id is not null)))`);
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`do $$ begin
               if exists (select 1 from ledger_transactions where kind in (${list(BOOKS_KINDS)})) then
                 raise exception 'the ledger holds bills, fees or owner postings: remove them before going back';
               end if;
             end $$`);
    await q('drop table report_documents');
    await q('drop table month_closings');
    await q('drop table bills');
    await q(`alter table ledger_lines
               drop constraint ledger_lines_account_check,
               add constraint ledger_lines_account_check check (account in (${list(ACCOUNTS_BEFORE)}))`);
    await q(`alter table ledger_transactions
               drop constraint ledger_transactions_kind_check,
               add constraint ledger_transactions_kind_check check (kind in (${list(KINDS_BEFORE)}))`);
    await q('alter table ledger_transactions drop column party_id');
    await q('drop table management_agreements');
    await q('drop trigger properties_owned_whole on properties');
    await q('drop function property_owned_whole()');
    await q('drop table property_owners');
  });
}
