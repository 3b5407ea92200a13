import type { QueryInterface } from 'sequelize';

/**
 * Inspections: one row per inspection, written by its workflow
 * (recordInspection) as it goes, which the API lists and authorizes on: the
 * property and unit, the lease whose move-in or move-out it is, its kind and
 * status, the inspector, the visit's slot, and the state as last recorded
 * (its report, documents, comparison with the move-in, repairs). A move-out
 * finds the unit's move-in report here.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`create table inspections (
               id uuid primary key,
               property_id uuid not null references properties (id),
               unit_id uuid,
               lease_id uuid,
               kind text not null check (kind in ('move_in','move_out','periodic','pre_purchase','milestone','post_repair')),
               status text not null check (status in ('scheduled','repairs','reinspection','closed','cancelled')),
               inspector_id uuid not null references users (id),
               slot_at timestamptz not null,
               state jsonb not null,
               workflow_id text not null,
               created_at timestamptz not null default now(),
               updated_at timestamptz not null default now())`);
    await q(`create index inspections_property_idx on inspections (property_id, created_at desc)`);
    await q(`create index inspections_inspector_idx on inspections (inspector_id, created_at desc)`);
    // A move-out's baseline: the unit's move-in reports.
    await q(`create index inspections_move_in_idx on inspections (property_id, unit_id) where kind = 'move_in'`);
    await q(`create index inspections_lease_idx on inspections (lease_id) where lease_id is not null`);
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.sequelize.query('drop table inspections', { transaction });
  });
}
