import { QueryTypes, type QueryInterface, type Transaction } from 'sequelize';

/**
 * Construction projects: one row per project (what the API lists and
 * authorizes on: its site, its owners, manager and contractors; written by
 * the API when the project is set up, then by its workflow with every
 * change), and what a finished project leaves on the property's record: the
 * year it was renovated, the living area projects added, its features. A
 * new construction's property is created on the parcel at completion, of the
 * type the project named (`built_property_type`); `property_recorded_at`
 * says the record was updated, so a retried activity adds the area once.
 * Change orders go to the owners as signing envelopes filed under the
 * project, so envelopes may now be about a project.
 */

async function envelopeSubjects(qi: QueryInterface, transaction: Transaction): Promise<string[]> {
  const [row] = await qi.sequelize.query<{ def: string }>(
    `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'envelopes_subject_type_check'`,
    { type: QueryTypes.SELECT, transaction },
  );
  return row ? [...row.def.matchAll(/'([^']+)'/g)].map((m) => m[1]!) : [];
}

async function setEnvelopeSubjects(qi: QueryInterface, subjects: string[], transaction: Transaction) {
  await qi.sequelize.query(
    `alter table envelopes drop constraint if exists envelopes_subject_type_check,
       add constraint envelopes_subject_type_check check (subject_type in (${subjects.map((s) => `'${s}'`).join(',')}))`,
    { transaction },
  );
}

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`create table projects (
               id uuid primary key,
               property_id uuid references properties (id),
               parcel_id uuid references parcels (property_id),
               kind text not null check (kind in ('renovation','new_construction')),
               name text not null,
               status text not null check (status in ('active','substantially_complete','completed')),
               owner_ids uuid[] not null default '{}',
               manager_id uuid references users (id),
               contractor_ids uuid[] not null default '{}',
               currency char(3) not null,
               built_property_type text check (built_property_type in ('house','apartment','condo','townhouse','commercial')),
               property_recorded_at timestamptz,
               state jsonb,
               workflow_id text not null,
               created_by uuid references users (id),
               created_at timestamptz not null default now(),
               updated_at timestamptz not null default now(),
               constraint projects_site_check check (property_id is not null or parcel_id is not null))`);
    await q(`create index projects_property_idx on projects (property_id) where property_id is not null`);
    await q(`create index projects_parcel_idx on projects (parcel_id) where parcel_id is not null`);
    await q(`create index projects_manager_idx on projects (manager_id, created_at desc) where manager_id is not null`);
    await q(`create index projects_owner_ids_idx on projects using gin (owner_ids)`);
    await q(`create index projects_contractor_ids_idx on projects using gin (contractor_ids)`);
    await q(`create index projects_created_idx on projects (created_at desc, id desc)`);

    await q(`alter table properties
               add column year_renovated integer check (year_renovated between 1600 and 2200),
               add column added_area_sqft integer check (added_area_sqft >= 0),
               add column features text[] not null default '{}'`);

    const subjects = await envelopeSubjects(qi, transaction);
    if (!subjects.includes('project')) await setEnvelopeSubjects(qi, [...subjects, 'project'], transaction);
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`do $$ begin
               if exists (select 1 from envelopes where subject_type = 'project') then
                 raise exception 'change orders were sent for signature: their envelopes must be removed before going back';
               end if;
             end $$`);
    const subjects = await envelopeSubjects(qi, transaction);
    await setEnvelopeSubjects(qi, subjects.filter((s) => s !== 'project'), transaction);
    await q(`alter table properties drop column features, drop column added_area_sqft, drop column year_renovated`);
    await q('drop table projects');
  });
}
