import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Signing envelopes, as the API reads them: who sent one and who signs it
 * (so it shows an envelope only to them and to staff), what it belongs to,
 * and its status, kept in step by its workflow. A document may be an
 * envelope's completed copy of another.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const now = { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW } as const;
    await qi.createTable(
      'envelopes',
      {
        id: { type: DataTypes.UUID, primaryKey: true },
        subject_type: { type: DataTypes.TEXT, allowNull: false },
        subject_id: { type: DataTypes.UUID, allowNull: false },
        title: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false },
        sender_id: { type: DataTypes.UUID },
        signer_ids: { type: DataTypes.ARRAY(DataTypes.UUID), allowNull: false },
        workflow_id: { type: DataTypes.TEXT, allowNull: false },
        created_at: now,
        updated_at: now,
      },
      { transaction },
    );
    await qi.sequelize.query(
      `alter table envelopes
         add constraint envelopes_status_check check (status in ('sent','completed','declined','expired','voided')),
         add constraint envelopes_subject_type_check check (subject_type in ('lease'))`,
      { transaction },
    );
    await qi.addIndex('envelopes', ['subject_type', 'subject_id'], { transaction });
    // A completed copy made by an envelope, once per envelope and original document.
    await qi.addColumn('documents', 'envelope_id', { type: DataTypes.UUID }, { transaction });
    await qi.addColumn('documents', 'signed_from', { type: DataTypes.UUID }, { transaction });
    await qi.sequelize.query(
      'create unique index documents_one_signed_copy on documents (envelope_id, signed_from) where envelope_id is not null',
      { transaction },
    );
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.removeColumn('documents', 'signed_from', { transaction });
    await qi.removeColumn('documents', 'envelope_id', { transaction });
    await qi.dropTable('envelopes', { transaction });
  });
}
