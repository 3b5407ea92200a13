import type { QueryInterface } from 'sequelize';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(',');

// As they are when this migration is written (domain/ledger.ts).
const LEASE_KINDS = ['rent_charged', 'fee_charged', 'credit_issued', 'payment_received', 'payment_reversed', 'deposit_received', 'deposit_applied', 'damages_charged', 'deposit_refunded'];
const PURCHASE_KINDS = ['escrow_received', 'escrow_released', 'proceeds_allocated', 'commission_allocated', 'charges_allocated', 'payoff_allocated', 'proceeds_paid', 'commission_paid', 'charges_paid', 'payoff_paid'];
const BEFORE = [...LEASE_KINDS, ...PURCHASE_KINDS];
const REPAIRS = ['repair_paid', 'repair_charged'];

/**
 * Maintenance: the vendor directory (contractors: a user with the contractor
 * role, their trades, service area, rate, and the documents that decide
 * whether they may be assigned work), one row per work order (what the API
 * lists and authorizes on, written by its workflow; the directory's figures
 * are read from these rows), and a property's maintenance policy (its
 * approval limit, service levels, legal repair deadline, vendor rules; the
 * platform's defaults where null). The ledger gains the repairs' movements:
 * paid from the property's book, charged to a lease when the tenant caused it.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`create table contractors (
               user_id uuid primary key references users (id),
               company text not null,
               trades text[] not null,
               service_area text[] not null,
               hourly_rate_minor bigint not null check (hourly_rate_minor >= 0),
               currency char(3) not null,
               created_at timestamptz not null default now(),
               updated_at timestamptz not null default now())`);
    await q(`create index contractors_trades_idx on contractors using gin (trades)`);
    await q(`create table contractor_documents (
               id uuid primary key default gen_random_uuid(),
               contractor_id uuid not null references contractors (user_id),
               kind text not null check (kind in ('general_liability_insurance','workers_comp_insurance','trade_license','tax_form_w9')),
               expires_on date,
               coverage_minor bigint check (coverage_minor is null or coverage_minor >= 0),
               reference text,
               created_at timestamptz not null default now())`);
    await q(`create index contractor_documents_contractor_idx on contractor_documents (contractor_id)`);
    await q(`create index contractor_documents_expiry_idx on contractor_documents (expires_on) where expires_on is not null`);

    await q(`create table work_orders (
               id uuid primary key,
               property_id uuid not null references properties (id),
               unit_id uuid,
               lease_id uuid,
               requested_by uuid not null references users (id),
               status text not null,
               priority text not null check (priority in ('emergency','urgent','routine')),
               category text not null,
               contractor_id uuid references contractors (user_id),
               sla_breached boolean not null default false,
               raised_at timestamptz not null,
               accepted_minutes integer,
               completed_at timestamptz,
               reopened_in_warranty boolean not null default false,
               rating smallint check (rating between 1 and 5),
               amount_paid_minor bigint,
               currency char(3) not null,
               state jsonb not null,
               workflow_id text not null,
               created_at timestamptz not null default now(),
               updated_at timestamptz not null default now())`);
    await q(`create index work_orders_property_idx on work_orders (property_id, raised_at desc)`);
    await q(`create index work_orders_requester_idx on work_orders (requested_by, raised_at desc)`);
    await q(`create index work_orders_contractor_idx on work_orders (contractor_id, raised_at desc) where contractor_id is not null`);

    await q(`alter table properties add column maintenance_policy jsonb`);
    await q(`alter table ledger_transactions
               drop constraint ledger_transactions_kind_check,
               add constraint ledger_transactions_kind_check check (kind in (${list([...BEFORE, ...REPAIRS])}))`);
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`do $$ begin
               if exists (select 1 from ledger_transactions where kind in (${list(REPAIRS)})) then
                 raise exception 'the ledger holds repair postings: remove them before going back';
               end if;
             end $$`);
    await q(`alter table ledger_transactions
               drop constraint ledger_transactions_kind_check,
               add constraint ledger_transactions_kind_check check (kind in (${list(BEFORE)}))`);
    await q(`alter table properties drop column maintenance_policy`);
    await q('drop table work_orders');
    await q('drop table contractor_documents');
    await q('drop table contractors');
  });
}
