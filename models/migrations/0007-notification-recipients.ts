import { DataTypes, type QueryInterface } from 'sequelize';

/** Who each queued notification goes to. */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('notification_outbox', 'recipients', { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: [] });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeColumn('notification_outbox', 'recipients');
}
