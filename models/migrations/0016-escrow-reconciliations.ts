import type { QueryInterface } from 'sequelize';

/**
 * The daily escrow reconciliation's reports (contracts/escrow-reconciliation.ts):
 * one row per day (`as_of`), which a rerun of that day replaces; the whole
 * report, with every difference and both figures, as JSON. Listed newest
 * day first (the unique index on as_of serves that order).
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.query(`create table escrow_reconciliations (
      id uuid primary key default gen_random_uuid(),
      as_of date not null unique,
      ran_at timestamptz not null,
      status text not null check (status in ('balanced', 'differences')),
      report jsonb not null,
      workflow_id text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.query('drop table escrow_reconciliations');
}
