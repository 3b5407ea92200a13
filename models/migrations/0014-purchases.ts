import type { QueryInterface } from 'sequelize';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(',');

// As they are when this migration is written (domain/ledger.ts).
const LEASE_KINDS = ['rent_charged', 'fee_charged', 'credit_issued', 'payment_received', 'payment_reversed', 'deposit_received', 'deposit_applied', 'damages_charged', 'deposit_refunded'];
const BEFORE = [...LEASE_KINDS, 'escrow_received', 'escrow_released'];
const CLOSING = ['proceeds_allocated', 'commission_allocated', 'charges_allocated', 'payoff_allocated', 'proceeds_paid', 'commission_paid', 'charges_paid', 'payoff_paid'];

/**
 * Purchases: one row per purchase (what the API lists and authorizes on,
 * written by its workflow), the listing's offer book (which purchase holds
 * the contract, the ordered backups), the public title records of each
 * property (deeds, liens, encumbrances, releases) and the county recorder's
 * instruments. The platform pieces every process shares (payments,
 * documents, notifications) are keyed by what they are about (a subject: a
 * lease, a purchase…) rather than by a lease alone; existing rows are a
 * lease's. The ledger gains the kinds of movement closing makes.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`create table purchases (
               id uuid primary key,
               listing_id uuid not null references listings (id),
               property_id uuid not null references properties (id),
               stage text not null,
               buyer_ids uuid[] not null,
               seller_ids uuid[] not null,
               buyer_agent_ids uuid[] not null default '{}',
               seller_agent_ids uuid[] not null default '{}',
               price_minor bigint not null,
               currency char(3) not null,
               state jsonb not null,
               workflow_id text not null,
               created_at timestamptz not null default now(),
               updated_at timestamptz not null default now())`);
    await q(`create index purchases_listing_idx on purchases (listing_id, created_at)`);
    await q(`create index purchases_buyers_idx on purchases using gin (buyer_ids)`);
    await q(`create index purchases_sellers_idx on purchases using gin (seller_ids)`);

    await q(`create table listing_offer_books (
               listing_id uuid primary key references listings (id),
               primary_purchase_id uuid,
               backup_ids uuid[] not null default '{}',
               open_ids uuid[] not null default '{}',
               sold boolean not null default false,
               updated_at timestamptz not null default now())`);

    // Public records: what a title search reads. One row per recorded instrument of a property.
    await q(`create table title_records (
               id uuid primary key default gen_random_uuid(),
               property_id uuid not null references properties (id),
               kind text not null check (kind in ('deed','lien','encumbrance','release')),
               instrument text not null,
               recorded_on date not null,
               record jsonb not null,
               created_at timestamptz not null default now(),
               unique (property_id, instrument))`);

    // The local county recorder: numbers instruments, one per purchase's deed.
    await q(`create table county_recordings (
               id uuid primary key default gen_random_uuid(),
               purchase_id uuid not null unique,
               county text not null,
               state text not null,
               instrument text unique,
               status text not null check (status in ('recorded','rejected')),
               reason text,
               recorded_on date,
               document_id uuid not null,
               created_at timestamptz not null default now())`);
    await q(`create sequence county_instrument_seq`);

    for (const table of ['documents', 'notification_outbox']) {
      await q(`alter table ${table} add column subject_type text, add column subject_id uuid`);
      await q(`update ${table} set subject_type = 'lease', subject_id = lease_id`);
      await q(`alter table ${table} alter column subject_type set not null, alter column subject_id set not null, alter column lease_id drop not null`);
      await q(`create index ${table}_subject_idx on ${table} (subject_type, subject_id)`);
    }
    await q(`alter table payments add column book_type text, add column book_id uuid`);
    await q(`update payments set book_type = 'lease', book_id = lease_id`);
    await q(`alter table payments alter column book_type set not null, alter column book_id set not null, alter column lease_id drop not null`);
    // A row written the old way (a lease's, by code or a worker from before this change) gets its lease as subject or book.
    await q(`create function lease_subject_default() returns trigger language plpgsql as $$
             begin
               if tg_table_name = 'payments' then
                 new.book_type := coalesce(new.book_type, 'lease');
                 new.book_id := coalesce(new.book_id, new.lease_id);
               else
                 new.subject_type := coalesce(new.subject_type, 'lease');
                 new.subject_id := coalesce(new.subject_id, new.lease_id);
               end if;
               return new;
             end $$`);
    for (const table of ['documents', 'notification_outbox', 'payments']) {
      await q(`create trigger ${table}_lease_subject before insert on ${table} for each row execute function lease_subject_default()`);
    }

    await q(`alter table ledger_transactions drop constraint ledger_transactions_kind_check,
               add constraint ledger_transactions_kind_check check (kind in (${list([...BEFORE, ...CLOSING])}))`);
    await q(`alter table envelopes drop constraint envelopes_subject_type_check,
               add constraint envelopes_subject_type_check check (subject_type in ('lease','purchase'))`);
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`do $$ begin
               if exists (select 1 from ledger_transactions where kind in (${list(CLOSING)}))
                  or exists (select 1 from payments where lease_id is null)
                  or exists (select 1 from documents where lease_id is null)
                  or exists (select 1 from notification_outbox where lease_id is null)
                  or exists (select 1 from envelopes where subject_type <> 'lease') then
                 raise exception 'purchases have moved money or stored documents: they cannot be removed';
               end if;
             end $$`);
    await q(`alter table ledger_transactions drop constraint ledger_transactions_kind_check,
               add constraint ledger_transactions_kind_check check (kind in (${list(BEFORE)}))`);
    await q(`alter table envelopes drop constraint envelopes_subject_type_check,
               add constraint envelopes_subject_type_check check (subject_type in ('lease'))`);
    for (const table of ['documents', 'notification_outbox', 'payments']) await q(`drop trigger ${table}_lease_subject on ${table}`);
    await q(`drop function lease_subject_default()`);
    await q(`alter table payments drop column book_type, drop column book_id, alter column lease_id set not null`);
    for (const table of ['documents', 'notification_outbox']) {
      await q(`alter table ${table} drop column subject_type, drop column subject_id, alter column lease_id set not null`);
    }
    await q(`drop sequence county_instrument_seq`);
    for (const table of ['county_recordings', 'title_records', 'listing_offer_books', 'purchases']) await q(`drop table ${table}`);
  });
}
