import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Late-fee policy at three levels: the organization's (a setting), a
 * property's override, and a lease's (inside its terms). Organization
 * settings are a small key-value table: one row per setting, who changed it last.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.addColumn('properties', 'late_fee_policy', { type: DataTypes.JSONB }, { transaction });
    await qi.createTable(
      'organization_settings',
      {
        key: { type: DataTypes.TEXT, primaryKey: true },
        value: { type: DataTypes.JSONB, allowNull: false },
        updated_by: { type: DataTypes.UUID },
        updated_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      },
      { transaction },
    );
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.dropTable('organization_settings', { transaction });
    await qi.removeColumn('properties', 'late_fee_policy', { transaction });
  });
}
