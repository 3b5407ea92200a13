import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Leases and what they owe: one row per lease (its terms and status, kept in
 * step by the lease workflow), its charges (rent per period, late fees per
 * day) with what is still open, how payments were allocated to them, the
 * lease's documents, and the notification outbox.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const now = { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW } as const;
    await qi.createTable(
      'leases',
      {
        id: { type: DataTypes.UUID, primaryKey: true },
        property_id: { type: DataTypes.UUID },
        status: { type: DataTypes.TEXT, allowNull: false },
        terms: { type: DataTypes.JSONB },
        tenant_ids: { type: DataTypes.ARRAY(DataTypes.UUID), allowNull: false, defaultValue: [] },
        workflow_id: { type: DataTypes.TEXT },
        created_at: now,
        updated_at: now,
      },
      { transaction },
    );
    await qi.createTable(
      'lease_charges',
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        lease_id: { type: DataTypes.UUID, allowNull: false },
        kind: { type: DataTypes.TEXT, allowNull: false },
        period_index: { type: DataTypes.INTEGER, allowNull: false },
        for_day: { type: DataTypes.DATEONLY, allowNull: false },
        due_on: { type: DataTypes.DATEONLY, allowNull: false },
        amount_minor: { type: DataTypes.BIGINT, allowNull: false },
        open_minor: { type: DataTypes.BIGINT, allowNull: false },
        currency: { type: DataTypes.CHAR(3), allowNull: false },
        created_at: now,
      },
      { transaction },
    );
    await qi.sequelize.query(
      `alter table lease_charges
         add constraint lease_charges_kind_check check (kind in ('rent','late_fee','returned_payment_fee','damages')),
         add constraint lease_charges_amounts_check check (amount_minor > 0 and open_minor between 0 and amount_minor),
         add constraint lease_charges_once unique (lease_id, kind, period_index, for_day)`,
      { transaction },
    );
    await qi.createTable(
      'payment_allocations',
      {
        payment_id: { type: DataTypes.UUID, primaryKey: true, references: { model: 'payments', key: 'id' } },
        charge_id: { type: DataTypes.UUID, primaryKey: true, references: { model: 'lease_charges', key: 'id' } },
        amount_minor: { type: DataTypes.BIGINT, allowNull: false },
      },
      { transaction },
    );
    await qi.createTable(
      'documents',
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        lease_id: { type: DataTypes.UUID, allowNull: false },
        kind: { type: DataTypes.TEXT, allowNull: false },
        content_type: { type: DataTypes.TEXT, allowNull: false },
        sha256: { type: DataTypes.CHAR(64), allowNull: false },
        pages: { type: DataTypes.INTEGER, allowNull: false },
        content: { type: DataTypes.BLOB, allowNull: false },
        created_at: now,
      },
      { transaction },
    );
    await qi.addIndex('documents', ['lease_id', 'kind'], { transaction });
    await qi.createTable(
      'notification_outbox',
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        lease_id: { type: DataTypes.UUID, allowNull: false },
        template: { type: DataTypes.TEXT, allowNull: false },
        data: { type: DataTypes.JSONB, allowNull: false },
        dedupe_key: { type: DataTypes.TEXT, allowNull: false, unique: true },
        sent_at: { type: DataTypes.DATE },
        created_at: now,
      },
      { transaction },
    );
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    for (const table of ['notification_outbox', 'documents', 'payment_allocations', 'lease_charges', 'leases']) {
      await qi.dropTable(table, { transaction });
    }
  });
}
