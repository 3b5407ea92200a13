import type { QueryInterface } from 'sequelize';

/**
 * Uploaded files (photos of a maintenance request or a finished repair,
 * inspection photos, certificates): one row each, the bytes themselves in the
 * document store (lib/blob-store.ts) under the keys recorded here. An image
 * has a web size and a thumbnail beside its original; a PDF only its original.
 * Work orders and inspections name these rows by id.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`create table uploads (
               id uuid primary key,
               uploaded_by uuid not null references users (id),
               content_type text not null check (content_type in ('image/jpeg','image/png','image/webp','application/pdf')),
               bytes bigint not null check (bytes > 0),
               sha256 char(64) not null check (sha256 ~ '^[0-9a-f]{64}$'),
               width integer check (width > 0),
               height integer check (height > 0),
               original_key text not null,
               web_key text,
               thumbnail_key text,
               created_at timestamptz not null default now(),
               check ((width is null) = (height is null)),
               check ((web_key is null) = (thumbnail_key is null)))`);
    await q(`create index uploads_uploader_idx on uploads (uploaded_by, created_at desc)`);
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q('drop table uploads');
  });
}
